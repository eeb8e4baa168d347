package main

import "testing"

// CIDs printed by Kubo 0.43 (`ipfs add --only-hash --cid-version=1`) for bytes b[i] = i*7 mod 251: the empty
// file, one byte, one chunk, a chunk and a byte, one full node of 174 leaves, one leaf more (a second level),
// two full nodes and a leaf. The Node tests (tests/files-upload-relay.test.ts) check random bytes against a
// running Kubo as well.
func TestFileCIDsAreKubos(t *testing.T) {
	cases := []struct {
		size int
		cid  string
	}{
		{0, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
		{1, "bafkreidogqfzz75tpkmjzjke425xqcrmpcib2p5tg44hnbirumdbpl5adu"},
		{262144, "bafkreic55qsu6nkihoak36r3i5uzzyyetgi46jany3f3e57ccvlkoyzdmi"},
		{262145, "bafybeigi6b7obvqgkbrcienqnvinwyzqgjyf2q2hdkv5wr6rovjwr7jene"},
		{174 * 262144, "bafybeidmgxpgvs3sdtj47fbq2an7y2ltgo326lffti4spprw3gdqt5stn4"},
		{174*262144 + 1, "bafybeifhqsdvogt5bt44hfof3iprhn6rwew6exjqvhe2j45uxg2rx3hxni"},
		{2*174*262144 + 1, "bafybeidgmngnrh3gbrwnnneeza4sgn7g5hev4ufrfytv6muvga7lz22cru"},
	}
	for _, c := range cases {
		bytes := make([]byte, c.size)
		for i := range bytes {
			bytes[i] = byte(i * 7 % 251)
		}
		h := newFileHasher()
		// Written in uneven pieces, as a socket delivers them.
		for rest := bytes; len(rest) > 0; {
			n := min(len(rest), 100_003)
			h.Write(rest[:n])
			rest = rest[n:]
		}
		if got := h.Sum(); got != c.cid {
			t.Errorf("size %d: got %s, Kubo gives %s", c.size, got, c.cid)
		}
	}
}
