// Short confirmations ("Copied") and errors that belong to no one place on the page.
import { create } from 'zustand'

export interface Toast {
  id: number
  text: string
  kind: 'info' | 'error'
}

interface ToastState {
  toasts: Toast[]
  show(text: string, kind?: Toast['kind']): void
  dismiss(id: number): void
}

let nextId = 1

export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  show(text, kind = 'info') {
    const id = nextId++
    set({ toasts: [...get().toasts.slice(-3), { id, text, kind }] })
    setTimeout(() => get().dismiss(id), kind === 'error' ? 6000 : 2200)
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}))

export async function copyText(text: string, what = 'Copied'): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    useToasts.getState().show(`${what} to the clipboard`)
  } catch {
    useToasts.getState().show('Could not copy: the browser refused clipboard access', 'error')
  }
}
