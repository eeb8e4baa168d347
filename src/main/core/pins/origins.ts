// Origins of a pin (PSA `pin.origins`): multiaddrs the client says provide the content. A malformed one
// is refused with a 400 that names it (the spec allows it), never dropped silently: Kubo and every other
// client send only addresses that parse. The check is textual (protocol names and their values); the
// table holds what libp2p nodes actually announce.
import { BlockList, isIP } from 'node:net'
import { defaultLocalAddresses, isLocalAddress, normalizeAddress } from '../remote/url-guard.js'

type Check = (value: string) => boolean

const PORT: Check = (v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535
const HOST: Check = (v) => v.length > 0 && v.length <= 253 && /^[a-zA-Z0-9._-]+$/.test(v)
const PEER: Check = (v) =>
  /^(Qm[1-9A-HJ-NP-Za-km-z]{44}|12D3Koo[1-9A-HJ-NP-Za-km-z]{45,46}|1[1-9A-HJ-NP-Za-km-z]{40,60}|b[a-z2-7]{50,70}|[kz][1-9A-HJ-NP-Za-km-z]{40,70})$/.test(
    v,
  )
const ANY: Check = (v) => v.length > 0

/** Protocols with a value, and how the value must look. */
const WITH_VALUE: Record<string, Check> = {
  ip4: (v) => isIP(v) === 4,
  ip6: (v) => isIP(v) === 6,
  ip6zone: ANY,
  dns: HOST,
  dns4: HOST,
  dns6: HOST,
  dnsaddr: HOST,
  tcp: PORT,
  udp: PORT,
  sctp: PORT,
  dccp: PORT,
  p2p: PEER,
  ipfs: PEER,
  certhash: (v) => /^[a-zA-Z0-9_-]+$/.test(v),
  sni: HOST,
  onion3: ANY,
  garlic64: ANY,
  'http-path': ANY,
}

const NO_VALUE = new Set([
  'quic',
  'quic-v1',
  'webtransport',
  'ws',
  'wss',
  'tls',
  'noise',
  'http',
  'https',
  'p2p-circuit',
  'webrtc',
  'webrtc-direct',
  'p2p-webrtc-star',
  'p2p-webrtc-direct',
  'p2p-websocket-star',
  'utp',
  'udt',
  'yamux',
  'mplex',
])

/** Why this string is not a multiaddr, or undefined when it is one. */
export function multiaddrProblem(addr: string): string | undefined {
  if (!addr.startsWith('/')) return 'a multiaddr starts with /'
  const parts = addr.split('/').slice(1)
  if (parts.at(-1) === '') parts.pop()
  if (!parts.length) return 'it names no protocol'
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!
    if (name === 'unix') return i + 1 < parts.length ? undefined : '/unix needs a path'
    if (NO_VALUE.has(name)) continue
    const check = WITH_VALUE[name]
    if (!check) return `unknown protocol "${name.slice(0, 40)}"`
    const value = parts[++i]
    if (value === undefined) return `/${name} needs a value`
    if (!check(value)) return `"${value.slice(0, 80)}" is not a valid /${name} value`
  }
  return undefined
}

/**
 * Address space that is not the public internet's: unspecified, private, shared, loopback, link-local,
 * reserved, benchmarking, multicast; for IPv6 also the NAT64 and 6to4 prefixes that carry IPv4 addresses.
 */
const NOT_PUBLIC = new BlockList()
const NOT_PUBLIC_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12']
const MORE_V4 = ['192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/3']
for (const cidr of [...NOT_PUBLIC_V4, ...MORE_V4, '::/127', '64:ff9b::/96', '2002::/16', 'fc00::/7', 'fe80::/10']) {
  const [net, bits] = cidr.split('/') as [string, string]
  NOT_PUBLIC.addSubnet(net, Number(bits), isIP(net) === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Whether an origin is a literal address on the public internet and not this machine's own (a name or a
 * /unix path is not). Why a dial to any other origin failed is not told to the client: the reasons (refused,
 * no answer, not a libp2p peer) would let an account map the ports of this machine and its network through
 * Kubo.
 */
export function isPublicOrigin(addr: string, localAddresses: string[] = defaultLocalAddresses()): boolean {
  const [, proto, value = ''] = addr.split('/')
  if (proto !== 'ip4' && proto !== 'ip6') return false
  const ip = normalizeAddress(value)
  const family = isIP(ip)
  if (family === 0 || isLocalAddress(ip, localAddresses)) return false
  return !NOT_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}
