// Placeholder until the renderer issue: says what Tack is and where its API lives.
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem' }}>
      <h1>Tack</h1>
      <p>An IPFS pinning service on your desktop. The Pinning Service API is at /api/pinning.</p>
    </main>
  )
}
