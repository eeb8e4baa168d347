// A QR code as an SVG image (a data: URL, which the CSP allows), for opening a LAN link on a phone.
import QRCode from 'qrcode'
import { useEffect, useState } from 'react'

export function QrCode({ text, size = 160 }: { text: string; size?: number }) {
  const [src, setSrc] = useState<string>()
  useEffect(() => {
    let live = true
    QRCode.toString(text, {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
      color: { dark: '#111111', light: '#ffffff' },
    })
      .then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => live && setSrc(undefined))
    return () => {
      live = false
    }
  }, [text])
  return (
    <figure className="qr">
      {src ? (
        <img src={src} width={size} height={size} alt={`QR code for ${text}`} />
      ) : (
        <div style={{ height: size }} />
      )}
      <figcaption>{text}</figcaption>
    </figure>
  )
}
