//go:build unix

// Reading an upload's bytes from the bundled MinIO's own files, for the gateway's reads from the store.
//
// Why: a read the relay asks MinIO for crosses loopback TCP twice (MinIO to the relay, the relay to the
// client); on two cores that second hop is what kept Tack's first read of an upload under 0.9 of a plain S3
// GET (README, issue 11: parallel ranged GETs, splice, SO_RCVLOWAT, GOMAXPROCS and nice were all measured and
// did not close it). Read here, the bytes cross loopback once, as MinIO's own GET does.
//
// What is read: the object's xl.meta and its part files, in the format of the MinIO version Tack builds
// (scripts/build-binaries.sh). Only the one layout MinIO gives a single drive is accepted: xl.meta v1.3 with
// only the fields this version writes, one version, an object (not a delete marker), Reed-Solomon with one
// data and no parity block, 1 MiB blocks, streaming HighwayHash bitrot checksums, no inline data, nothing in
// the system metadata but a multipart upload's actual size (compression, encryption, ... would put keys
// there), the size Tack recorded, and part files of exactly the size that layout gives. Anything else is
// refused before a byte is sent, and the relay asks MinIO over HTTP as before. Every block is checked against its bitrot checksum
// before it is sent, as MinIO's GET does; a block that does not match ends the response early (so the
// client sees a short body, as it would from MinIO).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/google/uuid"
	"github.com/minio/highwayhash"
	"github.com/tinylib/msgp/msgp"
)

// objectRef is the job's pointer to an object's directory in MinIO's data dir (<data>/<bucket>/<key>).
type objectRef struct {
	Dir    string `json:"dir"`
	Offset int64  `json:"offset"`
	// Size is the whole object's size as Tack recorded it; the object must have exactly that many bytes.
	Size int64 `json:"size"`
}

// MinIO's fixed key for its HighwayHash bitrot checksums (cmd/bitrot.go, magicHighwayHash256Key): a format
// constant, needed to check the checksums MinIO wrote.
var bitrotKey = []byte("\x4b\xe7\x34\xfa\x8e\x23\x8a\xcd\x26\x3e\x83\xe6\xbb\x96\x85\x52\x04\x0f\x93\x5d\xa3\x9f\x44\x14\x97\xe0\x9d\x13\x22\xde\x36\xa0")

const (
	bitrotSize = highwayhash.Size // bytes of checksum before each block of a part file
	maxXLMeta  = 1 << 20
	minioBlock = 1 << 20 // MinIO's block size: a part file is [checksum][1 MiB]... (the last block shorter)
)

var blockBuffers = sync.Pool{New: func() any { b := make([]byte, minioBlock+bitrotSize); return &b }}

// objectRange is a range of an object whose xl.meta was checked; its part files are opened one at a time,
// as the range reaches them (an upload sent through Node has a part per 8 MiB: thousands for a large file).
type objectRange struct {
	dir            string
	v              *xlVersion
	offset, length int64
	part           int // index in v.partNums of the open file (-1: none yet)
	file           *os.File
}

var errLayout = errors.New("not the single-drive layout")

var (
	refusedLayouts sync.Map
	refusedCount   atomic.Int32
)

// noteRefusedLayout says on stderr (Tack's log) why a layout sent reads to MinIO, once per reason: after a
// MinIO upgrade that changes the format, reads still work, only slower, and this is how that shows.
func noteRefusedLayout(err error) {
	if errors.Is(err, errLayout) && refusedCount.Load() < 32 {
		if _, seen := refusedLayouts.LoadOrStore(err.Error(), true); !seen {
			refusedCount.Add(1)
			fmt.Fprintf(os.Stderr, "tack-launcher relay: reading from MinIO over HTTP: %v\n", err)
		}
	}
}

// openObjectRange checks ref's xl.meta, that the object has exactly size bytes and holds the range, and
// opens the first part file the range needs; an error means: ask MinIO instead.
func openObjectRange(ref objectRef, length int64) (*objectRange, error) {
	meta, err := readLimited(filepath.Join(ref.Dir, "xl.meta"), maxXLMeta)
	if err != nil {
		return nil, err
	}
	v, err := parseXLMeta(meta)
	if err != nil {
		return nil, err
	}
	if v.size != ref.Size || ref.Offset < 0 || length < 0 || ref.Offset+length > v.size {
		return nil, fmt.Errorf("range %d+%d of an object of %d bytes, %d recorded", ref.Offset, length, v.size, ref.Size)
	}
	r := &objectRange{dir: filepath.Join(ref.Dir, uuid.UUID(v.dataDir).String()), v: v, offset: ref.Offset, length: length, part: -1}
	if length > 0 {
		if err := r.open(r.partAt(ref.Offset)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("xl.meta over %d bytes", limit)
	}
	return b, err
}

// partAt is the index of the part holding the object's byte at pos.
func (r *objectRange) partAt(pos int64) int {
	i := 0
	for ; pos >= r.v.partSizes[i]; i++ {
		pos -= r.v.partSizes[i]
	}
	return i
}

// open makes part i the open file, after checking that its size is the one the layout gives.
func (r *objectRange) open(i int) error {
	r.Close()
	size := r.v.partSizes[i]
	f, err := os.Open(filepath.Join(r.dir, "part."+strconv.Itoa(r.v.partNums[i])))
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if blocks := (size + minioBlock - 1) / minioBlock; err != nil || st.Size() != size+blocks*bitrotSize {
		f.Close()
		return fmt.Errorf("part %d not of the size its layout gives: %w", r.v.partNums[i], errLayout)
	}
	r.part, r.file = i, f
	return nil
}

func (r *objectRange) Close() {
	if r.file != nil {
		r.file.Close()
		r.file = nil
	}
}

// sendTo writes the range to client, checking each block against its checksum before any of it goes.
func (r *objectRange) sendTo(client *net.TCPConn) (int64, error) {
	bufp := blockBuffers.Get().(*[]byte)
	defer blockBuffers.Put(bufp)
	buf := *bufp
	h, _ := highwayhash.New(bitrotKey)
	var sent int64
	partStart := int64(0)
	for i := range r.part {
		partStart += r.v.partSizes[i]
	}
	for pos, end := r.offset, r.offset+r.length; pos < end; {
		size := r.v.partSizes[r.part]
		if pos == partStart+size {
			partStart += size
			if err := r.open(r.part + 1); err != nil {
				return sent, err
			}
			continue
		}
		block := (pos - partStart) / minioBlock
		blockLen := min(minioBlock, size-block*minioBlock)
		chunk := buf[:bitrotSize+blockLen]
		if _, err := r.file.ReadAt(chunk, block*(minioBlock+bitrotSize)); err != nil {
			return sent, err
		}
		h.Reset()
		h.Write(chunk[bitrotSize:])
		if !bytes.Equal(h.Sum(nil), chunk[:bitrotSize]) {
			return sent, fmt.Errorf("block %d of part %d does not match its bitrot checksum", block, r.v.partNums[r.part])
		}
		from := pos - partStart - block*minioBlock
		to := min(blockLen, end-partStart-block*minioBlock)
		client.SetWriteDeadline(time.Now().Add(readerPause))
		w, err := client.Write(chunk[bitrotSize+from : bitrotSize+to])
		sent += int64(w)
		pos += int64(w)
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// xlVersion is what a read needs of an object's only version.
type xlVersion struct {
	dataDir   [16]byte
	partNums  []int
	partSizes []int64
	size      int64
}

// parseXLMeta reads MinIO's xl.meta (v1.3: "XL2 ", version, a msgpack bin of headers and versions, its
// xxhash CRC, then inline data) and returns its version if it has the single-drive layout. Only the format
// versions and fields the MinIO Tack builds writes are accepted: a MinIO that writes anything new is asked.
func parseXLMeta(b []byte) (*xlVersion, error) {
	if len(b) < 8 || string(b[:4]) != "XL2 " || b[4] != 1 || b[5] != 0 || b[6] != 3 || b[7] != 0 {
		return nil, fmt.Errorf("xl.meta: %w", errLayout)
	}
	meta, rest, err := msgp.ReadBytesZC(b[8:])
	if err != nil {
		return nil, err
	}
	crc, rest, err := msgp.ReadUint32Bytes(rest)
	if err != nil {
		return nil, err
	}
	if uint32(xxhash.Sum64(meta)) != crc {
		return nil, errors.New("xl.meta: CRC mismatch")
	}
	if len(rest) > 0 { // inline data: the bytes are in xl.meta, not in part files
		return nil, fmt.Errorf("inline data: %w", errLayout)
	}
	headerVersion, meta, err := msgp.ReadUint8Bytes(meta)
	if err != nil || headerVersion < 1 || headerVersion > 3 {
		return nil, fmt.Errorf("header version %d: %w", headerVersion, errLayout)
	}
	metaVersion, meta, err := msgp.ReadUint8Bytes(meta)
	if err != nil || metaVersion < 1 || metaVersion > 3 {
		return nil, fmt.Errorf("meta version %d: %w", metaVersion, errLayout)
	}
	versions, meta, err := msgp.ReadIntBytes(meta)
	if err != nil || versions != 1 {
		return nil, fmt.Errorf("%d versions: %w", versions, errLayout)
	}
	if _, meta, err = msgp.ReadBytesZC(meta); err != nil { // the version's header; its meta says all we need
		return nil, err
	}
	version, _, err := msgp.ReadBytesZC(meta)
	if err != nil {
		return nil, err
	}
	return parseVersion(version)
}

func parseVersion(b []byte) (*xlVersion, error) {
	var v *xlVersion
	objectType := int64(-1)
	err := eachField(b, func(key string, b []byte) ([]byte, error) {
		var err error
		switch key {
		case "Type":
			objectType, b, err = msgp.ReadInt64Bytes(b)
		case "V2Obj":
			v, b, err = parseObject(b)
		case "v": // the MinIO release that wrote it
			b, err = msgp.Skip(b)
		default: // V1Obj, DelObj, or a field this code does not know
			err = fmt.Errorf("version field %q: %w", key, errLayout)
		}
		return b, err
	})
	if err != nil {
		return nil, err
	}
	if objectType != 1 || v == nil {
		return nil, fmt.Errorf("version type %d: %w", objectType, errLayout)
	}
	return v, nil
}

// parseObject reads an xlMetaV2Object and checks it against the single-drive layout.
func parseObject(b []byte) (*xlVersion, []byte, error) {
	v := &xlVersion{}
	want := map[string]int64{"EcAlgo": 1, "EcM": 1, "EcN": 0, "EcBSize": minioBlock, "EcIndex": 1, "CSumAlgo": 1}
	seen := map[string]bool{}
	actualSize := ""
	var actualSizes []int64
	rest, err := eachFieldRest(b, func(key string, b []byte) ([]byte, error) {
		var err error
		var n int64
		seen[key] = true
		switch key {
		case "DDir":
			var dir []byte
			if dir, b, err = msgp.ReadBytesZC(b); err == nil && len(dir) != len(v.dataDir) {
				err = fmt.Errorf("DDir of %d bytes: %w", len(dir), errLayout)
			}
			copy(v.dataDir[:], dir)
		case "EcAlgo", "EcM", "EcN", "EcBSize", "EcIndex", "CSumAlgo":
			if n, b, err = msgp.ReadInt64Bytes(b); err == nil && n != want[key] {
				err = fmt.Errorf("%s %d: %w", key, n, errLayout)
			}
		case "EcDist":
			var dist []int64
			if b, err = readInts(b, func(n int64) { dist = append(dist, n) }); err == nil && (len(dist) != 1 || dist[0] != 1) {
				err = fmt.Errorf("EcDist %v: %w", dist, errLayout)
			}
		case "PartNums":
			b, err = readInts(b, func(n int64) { v.partNums = append(v.partNums, int(n)) })
		case "PartSizes":
			b, err = readInts(b, func(n int64) { v.partSizes = append(v.partSizes, n) })
		case "PartASizes": // sizes before compression: nil, or the same as PartSizes
			if msgp.IsNil(b) {
				b, err = msgp.ReadNilBytes(b)
			} else {
				b, err = readInts(b, func(n int64) { actualSizes = append(actualSizes, n) })
			}
		case "Size":
			v.size, b, err = msgp.ReadInt64Bytes(b)
		case "MetaSys":
			// System metadata is where compression and encryption leave their keys. The one key allowed is
			// the size a multipart upload records, which must be the object's size.
			b, err = eachStringEntry(b, func(k string, value []byte) error {
				if k != "X-Minio-Internal-actual-size" {
					return fmt.Errorf("system metadata %q: %w", k, errLayout)
				}
				actualSize = string(value)
				return nil
			})
		case "PartIdx": // compression indexes
			if !msgp.IsNil(b) {
				return b, fmt.Errorf("%s: %w", key, errLayout)
			}
			b, err = msgp.ReadNilBytes(b)
		case "ID", "PartETags", "MTime", "MetaUsr":
			b, err = msgp.Skip(b)
		default:
			err = fmt.Errorf("object field %q: %w", key, errLayout)
		}
		return b, err
	})
	if err != nil {
		return nil, rest, err
	}
	for _, key := range []string{"DDir", "EcAlgo", "EcM", "EcN", "EcBSize", "EcIndex", "EcDist", "CSumAlgo", "PartNums", "PartSizes", "Size"} {
		if !seen[key] {
			return nil, rest, fmt.Errorf("no %s: %w", key, errLayout)
		}
	}
	if len(v.partNums) == 0 || len(v.partNums) != len(v.partSizes) || (actualSizes != nil && !slices.Equal(actualSizes, v.partSizes)) {
		return nil, rest, fmt.Errorf("part lists that differ: %w", errLayout)
	}
	var total int64
	for i, s := range v.partSizes {
		if s <= 0 || v.partNums[i] < 1 || (i > 0 && v.partNums[i] <= v.partNums[i-1]) {
			return nil, rest, fmt.Errorf("part %d of %d bytes: %w", v.partNums[i], s, errLayout)
		}
		total += s
	}
	if actualSize != "" && actualSize != strconv.FormatInt(v.size, 10) {
		return nil, rest, fmt.Errorf("actual size %s of %d bytes: %w", actualSize, v.size, errLayout)
	}
	if total != v.size {
		return nil, rest, fmt.Errorf("parts hold %d of %d bytes: %w", total, v.size, errLayout)
	}
	return v, rest, nil
}

func readInts(b []byte, each func(int64)) ([]byte, error) {
	n, b, err := msgp.ReadArrayHeaderBytes(b)
	for i := uint32(0); err == nil && i < n; i++ {
		var x int64
		if x, b, err = msgp.ReadInt64Bytes(b); err == nil {
			each(x)
		}
	}
	return b, err
}

func eachField(b []byte, fn func(key string, b []byte) ([]byte, error)) error {
	_, err := eachFieldRest(b, fn)
	return err
}

// eachStringEntry calls fn with each entry of the map[string][]byte (or nil) at b; returns the bytes after it.
func eachStringEntry(b []byte, fn func(key string, value []byte) error) ([]byte, error) {
	if msgp.IsNil(b) {
		return msgp.ReadNilBytes(b)
	}
	return eachFieldRest(b, func(key string, b []byte) ([]byte, error) {
		value, b, err := msgp.ReadBytesZC(b)
		if err == nil {
			err = fn(key, value)
		}
		return b, err
	})
}

// eachFieldRest calls fn with each key of the msgpack map at b and the bytes of its value; fn returns the
// bytes after the value. Returns the bytes after the map.
func eachFieldRest(b []byte, fn func(key string, b []byte) ([]byte, error)) ([]byte, error) {
	n, b, err := msgp.ReadMapHeaderBytes(b)
	for i := uint32(0); err == nil && i < n; i++ {
		var key []byte
		if key, b, err = msgp.ReadMapKeyZC(b); err == nil {
			b, err = fn(string(key), b)
		}
	}
	return b, err
}
