// Files and folders dropped anywhere on the window upload. The listeners sit on `document`, so they run
// before the desktop preload's window listener; calling preventDefault tells it the page took care of them.
import { useEffect, useRef, useState } from 'react'
import { entriesFromDrop, filesFromEntries } from '../api/dropped'
import { useToasts } from '../store/toasts'
import { useUploads } from '../store/uploads'
import { Icon } from './Icon'

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files')

export function DropOverlay({ onDropped }: { onDropped?: () => void }) {
  const [over, setOver] = useState(false)
  const depth = useRef(0)
  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return
      e.preventDefault()
      depth.current++
      setOver(true)
    }
    const overHandler = (e: DragEvent) => {
      if (!carriesFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const leave = () => {
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setOver(false)
    }
    const drop = (e: DragEvent) => {
      depth.current = 0
      setOver(false)
      if (!e.dataTransfer || !carriesFiles(e)) return
      e.preventDefault()
      const entries = entriesFromDrop(e.dataTransfer)
      void filesFromEntries(entries)
        .then((files) => {
          if (files.length === 0) return useToasts.getState().show('Nothing to upload: the folder is empty', 'error')
          useUploads.getState().add(files)
          onDropped?.()
        })
        .catch((err: unknown) => useToasts.getState().show(`Could not read what was dropped: ${String(err)}`, 'error'))
    }
    document.addEventListener('dragenter', enter)
    document.addEventListener('dragover', overHandler)
    document.addEventListener('dragleave', leave)
    document.addEventListener('drop', drop)
    return () => {
      document.removeEventListener('dragenter', enter)
      document.removeEventListener('dragover', overHandler)
      document.removeEventListener('dragleave', leave)
      document.removeEventListener('drop', drop)
    }
  }, [onDropped])
  if (!over) return null
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <Icon name="upload" size={40} />
        <p>Drop files or folders to add them to IPFS</p>
      </div>
    </div>
  )
}
