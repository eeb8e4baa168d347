package main

// A file's CID exactly as `ipfs add --cid-version=1` makes it (and core/cid/unixfs.ts, with ipfs-unixfs-importer):
// 256 KiB chunks as raw leaves, a balanced DAG of dag-pb nodes with at most 174 links each, a file of one
// chunk being that chunk. Only the hashes are kept: the bytes go on to the object store as they come.

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"hash"
)

const (
	chunkSize       = 262144
	maxLinksPerNode = 174
	codecRaw        = 0x55
	codecDagPB      = 0x70
)

var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// dagLink is a node of the DAG as its parent links it.
type dagLink struct {
	cid      []byte
	tsize    uint64 // the bytes of the subtree's blocks
	fileSize uint64 // the file bytes under it
}

type fileHasher struct {
	chunk  hash.Hash // the SHA-256 of the chunk being filled: bytes are hashed where they are, never copied
	filled int
	leaves []dagLink
}

func newFileHasher() *fileHasher { return &fileHasher{chunk: sha256.New()} }

func (h *fileHasher) Write(p []byte) {
	for len(p) > 0 {
		n := min(len(p), chunkSize-h.filled)
		h.chunk.Write(p[:n])
		h.filled += n
		p = p[n:]
		if h.filled == chunkSize {
			h.leaf()
		}
	}
}

func (h *fileHasher) leaf() {
	size := uint64(h.filled)
	h.leaves = append(h.leaves, dagLink{cid: cidBytes(codecRaw, h.chunk.Sum(nil)), tsize: size, fileSize: size})
	h.chunk.Reset()
	h.filled = 0
}

// Sum returns the root CID (base32, as Kubo prints it).
func (h *fileHasher) Sum() string {
	if h.filled > 0 || len(h.leaves) == 0 {
		h.leaf()
	}
	if len(h.leaves) == 1 {
		return "b" + base32Lower.EncodeToString(h.leaves[0].cid)
	}
	level := h.leaves
	for {
		var next []dagLink
		for i := 0; i < len(level); i += maxLinksPerNode {
			next = append(next, fileNode(level[i:min(i+maxLinksPerNode, len(level))]))
		}
		if len(next) == 1 {
			return "b" + base32Lower.EncodeToString(next[0].cid)
		}
		level = next
	}
}

// fileNode encodes a dag-pb node over children (links first, then the UnixFS data, as dag-pb orders them).
func fileNode(children []dagLink) dagLink {
	var node, data []byte
	var fileSize, tsize uint64
	for _, c := range children {
		if c.fileSize == 0 {
			continue
		}
		var link []byte
		link = appendBytesField(link, 1, c.cid)
		link = appendBytesField(link, 2, nil) // Name: "", written as Kubo writes it
		link = appendVarintField(link, 3, c.tsize)
		node = appendBytesField(node, 2, link)
		fileSize += c.fileSize
		tsize += c.tsize
	}
	data = appendVarintField(data, 1, 2) // Type: File
	data = appendVarintField(data, 3, fileSize)
	for _, c := range children {
		if c.fileSize > 0 {
			data = appendVarintField(data, 4, c.fileSize) // blocksizes
		}
	}
	node = appendBytesField(node, 1, data)
	sum := sha256.Sum256(node)
	return dagLink{cid: cidBytes(codecDagPB, sum[:]), tsize: tsize + uint64(len(node)), fileSize: fileSize}
}

func cidBytes(codec uint64, digest []byte) []byte {
	b := binary.AppendUvarint([]byte{1}, codec)
	b = append(b, 0x12, 0x20) // sha2-256, 32 bytes
	return append(b, digest...)
}

func appendBytesField(b []byte, field uint64, v []byte) []byte {
	b = binary.AppendUvarint(b, field<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendVarintField(b []byte, field uint64, v uint64) []byte {
	b = binary.AppendUvarint(b, field<<3)
	return binary.AppendUvarint(b, v)
}
