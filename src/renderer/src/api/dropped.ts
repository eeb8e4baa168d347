// What was dropped or picked, as files with relative paths. Folders dropped on the page are walked with the
// File and Directory Entries API (webkitGetAsEntry); a folder picked with <input webkitdirectory> already
// carries webkitRelativePath.
import type { PickedFile } from '../store/uploads'

/** Must be called synchronously inside the drop handler: the items are gone once it returns. */
export function entriesFromDrop(dt: DataTransfer): Array<FileSystemEntry | File> {
  const out: Array<FileSystemEntry | File> = []
  const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file')
  if (items.length === 0) return Array.from(dt.files ?? [])
  for (const item of items) {
    const entry = item.webkitGetAsEntry?.()
    const file = entry ? null : item.getAsFile()
    if (entry) out.push(entry)
    else if (file) out.push(file)
  }
  return out
}

export async function filesFromEntries(entries: Array<FileSystemEntry | File>): Promise<PickedFile[]> {
  const out: PickedFile[] = []
  for (const e of entries) {
    if (e instanceof File) out.push({ file: e, path: e.name })
    else await walk(e, '', out)
  }
  return out
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix + entry.name
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
    out.push({ file, path })
    return
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  // readEntries answers in batches (100 in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) break
    for (const child of batch) await walk(child, path + '/', out)
  }
}

export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map((file) => ({ file, path: file.webkitRelativePath || file.name }))
}
