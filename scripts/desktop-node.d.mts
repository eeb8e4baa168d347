export function electronNodeRequirement(root: string): string | undefined
export function desktopNodeProblem(root: string, nodeVersion?: string): string | undefined
