//go:build unix

package main

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/google/uuid"
	"github.com/minio/highwayhash"
	"github.com/tinylib/msgp/msgp"
)

// The layout MinIO writes for one object on one drive, as seen in its files (tests/gateway-relay.test.ts
// reads real ones); fields may be changed or dropped to make other layouts.
type field struct {
	key   string
	value func([]byte) []byte
}

func ints(xs ...int64) func([]byte) []byte {
	return func(b []byte) []byte {
		b = msgp.AppendArrayHeader(b, uint32(len(xs)))
		for _, x := range xs {
			b = msgp.AppendInt64(b, x)
		}
		return b
	}
}

func num(x int64) func([]byte) []byte { return func(b []byte) []byte { return msgp.AppendInt64(b, x) } }

func objectFields(dataDir uuid.UUID, parts []int64) []field {
	nums := make([]int64, len(parts))
	var size int64
	for i, p := range parts {
		nums[i] = int64(i + 1)
		size += p
	}
	return []field{
		{"ID", func(b []byte) []byte { return msgp.AppendBytes(b, make([]byte, 16)) }},
		{"DDir", func(b []byte) []byte { return msgp.AppendBytes(b, dataDir[:]) }},
		{"EcAlgo", num(1)}, {"EcM", num(1)}, {"EcN", num(0)}, {"EcBSize", num(minioBlock)}, {"EcIndex", num(1)},
		{"EcDist", ints(1)}, {"CSumAlgo", num(1)}, {"PartNums", ints(nums...)},
		{"PartETags", func(b []byte) []byte { return msgp.AppendNil(b) }},
		{"PartSizes", ints(parts...)}, {"PartASizes", ints(parts...)}, {"Size", num(size)}, {"MTime", num(1)},
		{"MetaSys", func(b []byte) []byte { return msgp.AppendMapHeader(b, 0) }},
		{"MetaUsr", func(b []byte) []byte {
			return msgp.AppendString(msgp.AppendString(msgp.AppendMapHeader(b, 1), "content-type"), "binary/octet-stream")
		}},
	}
}

func metaSys(key, value string) func([]byte) []byte {
	return func(b []byte) []byte {
		return msgp.AppendBytes(msgp.AppendString(msgp.AppendMapHeader(b, 1), key), []byte(value))
	}
}

func appendMap(b []byte, fields []field) []byte {
	b = msgp.AppendMapHeader(b, uint32(len(fields)))
	for _, f := range fields {
		b = f.value(msgp.AppendString(b, f.key))
	}
	return b
}

// xlMeta is an xl.meta with versions copies of the object (Type typ) and inline bytes after the CRC.
func xlMeta(obj []field, typ int64, versions int, inline []byte) []byte {
	version := appendMap(nil, []field{
		{"Type", num(typ)},
		{"V2Obj", func(b []byte) []byte { return appendMap(b, obj) }},
		{"v", num(1)},
	})
	meta := msgp.AppendInt(msgp.AppendUint8(msgp.AppendUint8(nil, 3), 3), versions)
	for range versions {
		meta = msgp.AppendBytes(msgp.AppendBytes(meta, []byte{0x90}), version)
	}
	out := append([]byte("XL2 \x01\x00\x03\x00"), msgp.AppendBytes(nil, meta)...)
	out = msgp.AppendUint32(out, uint32(xxhash.Sum64(meta)))
	return append(out, inline...)
}

// writeObject writes data as MinIO does, in parts, each a file of [checksum][block]...; returns the dir.
func writeObject(t *testing.T, data []byte, parts []int64, meta func([]field) []byte) string {
	dir := t.TempDir()
	dataDir := uuid.New()
	if err := os.MkdirAll(filepath.Join(dir, dataDir.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	h, _ := highwayhash.New(bitrotKey)
	rest := data
	for i, size := range parts {
		var file []byte
		part := rest[:size]
		rest = rest[size:]
		for off := int64(0); off < size; off += minioBlock {
			block := part[off:min(off+minioBlock, size)]
			h.Reset()
			h.Write(block)
			file = append(append(file, h.Sum(nil)...), block...)
		}
		name := filepath.Join(dir, dataDir.String(), "part."+strconv.Itoa(i+1))
		if err := os.WriteFile(name, file, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "xl.meta"), meta(objectFields(dataDir, parts)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func plain(obj []field) []byte { return xlMeta(obj, 1, 1, nil) }

// readVia sends [offset, offset+length) of the object in dir (of size bytes) over a loopback connection;
// returns what arrived.
func readVia(t *testing.T, dir string, size, offset, length int64) ([]byte, error) {
	r, err := openObjectRange(objectRef{Dir: dir, Offset: offset, Size: size}, length)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []byte)
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(c)
		got <- b
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	_, sendErr := r.sendTo(c.(*net.TCPConn))
	c.Close()
	return <-got, sendErr
}

const mib = minioBlock

func TestObjectFilesSendEveryRangeAcrossBlocksAndParts(t *testing.T) {
	parts := []int64{2*mib + 500, 3 * mib, 7} // a short last block in the first and the last part
	size := parts[0] + parts[1] + parts[2]
	data := make([]byte, size)
	rand.Read(data)
	dir := writeObject(t, data, parts, plain)
	p1 := parts[0]
	for _, r := range [][2]int64{
		{0, size}, {0, 1}, {mib - 1, 2}, {2 * mib, 501}, {p1 - 1, 2}, {p1, parts[1]}, {1234, 4 * mib}, {size - 1, 1}, {size, 0},
	} {
		got, err := readVia(t, dir, size, r[0], r[1])
		if err != nil || !bytes.Equal(got, data[r[0]:r[0]+r[1]]) {
			t.Errorf("range %v: %d bytes, err %v", r, len(got), err)
		}
	}
	for _, r := range []objectRef{{Dir: dir, Offset: size - 5, Size: size}, {Dir: dir, Offset: -1, Size: size}, {Dir: dir, Size: size + 1}} {
		if _, err := openObjectRange(r, 6); err == nil {
			t.Errorf("%+v: opened a range the object does not have, or of another size than recorded", r)
		}
	}
}

func TestObjectFilesTakeAMultipartUploadsActualSize(t *testing.T) {
	data := make([]byte, 2*mib+9)
	rand.Read(data)
	size := int64(len(data))
	dir := writeObject(t, data, []int64{mib + 4, mib + 5}, func(obj []field) []byte {
		for i := range obj {
			if obj[i].key == "MetaSys" {
				obj[i].value = metaSys("X-Minio-Internal-actual-size", strconv.FormatInt(size, 10))
			}
		}
		return plain(append(obj, field{"PartIdx", func(b []byte) []byte { return msgp.AppendNil(b) }}))
	})
	if got, err := readVia(t, dir, size, 0, size); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("%d bytes, err %v", len(got), err)
	}
}

func TestObjectFilesStopAtABlockThatDoesNotMatchItsChecksum(t *testing.T) {
	data := make([]byte, 3*mib)
	rand.Read(data)
	dir := writeObject(t, data, []int64{3 * mib}, plain)
	matches, _ := filepath.Glob(filepath.Join(dir, "*", "part.1"))
	file, _ := os.ReadFile(matches[0])
	file[bitrotSize+mib+bitrotSize+5] ^= 1 // a byte of the second block
	os.WriteFile(matches[0], file, 0o600)
	got, err := readVia(t, dir, 3*mib, 0, 3*mib)
	if err == nil || !strings.Contains(err.Error(), "bitrot") || !bytes.Equal(got, data[:mib]) {
		t.Fatalf("sent %d bytes, err %v; want the first block only and a bitrot error", len(got), err)
	}
}

func TestObjectFilesOpenOnlyThePartsARangeReaches(t *testing.T) {
	data := make([]byte, 3*mib)
	rand.Read(data)
	dir := writeObject(t, data, []int64{mib, mib, mib}, plain)
	matches, _ := filepath.Glob(filepath.Join(dir, "*", "part.3"))
	os.Remove(matches[0])
	if got, err := readVia(t, dir, 3*mib, 10, mib); err != nil || !bytes.Equal(got, data[10:mib+10]) {
		t.Fatalf("a range in parts 1 and 2: %d bytes, err %v", len(got), err)
	}
	if _, err := openObjectRange(objectRef{Dir: dir, Offset: 2 * mib, Size: 3 * mib}, 10); err == nil {
		t.Fatal("a range in the missing part 3 opened")
	}
}

func TestObjectFilesRefuseEveryOtherLayout(t *testing.T) {
	set := func(key string, value func([]byte) []byte) func([]field) []byte {
		return func(obj []field) []byte {
			for i := range obj {
				if obj[i].key == key {
					obj[i].value = value
				}
			}
			return plain(obj)
		}
	}
	drop := func(key string) func([]field) []byte {
		return func(obj []field) []byte {
			var kept []field
			for _, f := range obj {
				if f.key != key {
					kept = append(kept, f)
				}
			}
			return plain(kept)
		}
	}
	corrupt := func(obj []field) []byte { b := plain(obj); b[bytes.Index(b, []byte("octet"))] ^= 1; return b } // still parses
	cases := map[string]func([]field) []byte{
		"parity blocks":    set("EcN", num(1)),
		"two data blocks":  set("EcM", num(2)),
		"another checksum": set("CSumAlgo", num(2)),
		"another distance": set("EcDist", ints(1, 2)),
		"no checksum algo": drop("CSumAlgo"),
		"no data dir":      drop("DDir"),
		"compressed": set("MetaSys", func(b []byte) []byte {
			return msgp.AppendBytes(msgp.AppendString(msgp.AppendMapHeader(b, 1), "X-Minio-Internal-compression"), []byte("s2"))
		}),
		"sizes that differ":   set("Size", num(3*mib+1)),
		"another actual size": set("MetaSys", metaSys("X-Minio-Internal-actual-size", "2999")),
		"another block size":  set("EcBSize", num(mib/2)),
		"compressed sizes":    set("PartASizes", ints(4*mib)),
		"an unknown field":    func(obj []field) []byte { return plain(append(obj, field{"Future", num(1)})) },
		"a newer format":      func(obj []field) []byte { b := plain(obj); b[6] = 4; return b },
		"compression indexes": func(obj []field) []byte {
			return plain(append(obj, field{"PartIdx", func(b []byte) []byte { return msgp.AppendBytes(msgp.AppendArrayHeader(b, 1), []byte{1}) }}))
		},
		"a delete marker":     func(obj []field) []byte { return xlMeta(obj, 2, 1, nil) },
		"two versions":        func(obj []field) []byte { return xlMeta(obj, 1, 2, nil) },
		"inline data":         func(obj []field) []byte { return xlMeta(obj, 1, 1, []byte{0x80}) },
		"a CRC that differs":  corrupt,
		"an older format":     func(obj []field) []byte { b := plain(obj); b[6] = 2; return b },
		"a part file missing": func(obj []field) []byte { return set("PartNums", ints(2))(obj) },
	}
	data := make([]byte, 3*mib)
	open := func(dir string) error {
		_, err := openObjectRange(objectRef{Dir: dir, Size: 3 * mib}, 3*mib)
		return err
	}
	if err := open(writeObject(t, data, []int64{3 * mib}, plain)); err != nil {
		t.Fatalf("the single-drive layout: %v", err)
	}
	for name, meta := range cases {
		if err := open(writeObject(t, data, []int64{3 * mib}, meta)); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
	// And a part file of another size than the layout gives.
	dir := writeObject(t, data, []int64{3 * mib}, plain)
	matches, _ := filepath.Glob(filepath.Join(dir, "*", "part.1"))
	os.Truncate(matches[0], 3*mib+3*bitrotSize-1)
	if err := open(dir); err == nil {
		t.Error("a short part file: opened")
	}
}

// relayObject runs relay() for a read of the whole object in dir (size bytes), with upstream as the HTTP
// source it may fall back to; returns what the client received.
func relayObject(t *testing.T, dir string, size int64, upstreamAddr string) string {
	server, client := tcpPair(t)
	job := relayJob{
		Head:    "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.FormatInt(size, 10) + "\r\n\r\n",
		Fail:    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
		Addr:    upstreamAddr,
		Request: "GET /tack/o HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		Status:  200,
		Length:  size,
		Object:  &objectRef{Dir: dir, Size: size},
	}
	done := make(chan error, 1)
	go func() {
		_, err := relay(server, job)
		server.Close()
		done <- err
	}()
	got := readAll(t, client)
	if err := <-done; err != nil {
		t.Fatalf("relay: %v", err)
	}
	return got
}

func TestARefusedLayoutIsReadOverHTTPAndSaidOnceOnStderr(t *testing.T) {
	data := make([]byte, 2*mib)
	rand.Read(data)
	fromHTTP := strings.Repeat("h", len(data)) // other bytes than the files', to see where they came from
	addr := upstream(t, fromHTTP)
	parity := func(obj []field) []byte {
		for i := range obj {
			if obj[i].key == "EcN" {
				obj[i].value = num(1)
			}
		}
		return plain(obj)
	}
	stderr := os.Stderr
	r, w, _ := os.Pipe()
	os.Stderr = w
	t.Cleanup(func() { os.Stderr = stderr })
	refusedLayouts.Range(func(k, _ any) bool { refusedLayouts.Delete(k); return true })
	refusedCount.Store(0)
	head := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(data)) + "\r\n\r\n"
	for range 2 {
		if got := relayObject(t, writeObject(t, data, []int64{2 * mib}, parity), 2*mib, addr); got != head+fromHTTP {
			t.Errorf("a refused layout: %d bytes, not the head and the upstream's body", len(got))
		}
	}
	// The layout it knows comes from the files, not from the upstream.
	if got := relayObject(t, writeObject(t, data, []int64{2 * mib}, plain), 2*mib, addr); got != head+string(data) {
		t.Errorf("the single-drive layout: %d bytes, not the head and the files' bytes", len(got))
	}
	os.Stderr = stderr
	w.Close()
	logged, _ := io.ReadAll(r)
	if lines := strings.Split(strings.TrimSpace(string(logged)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "EcN 1") {
		t.Errorf("want one line naming the reason, got %q", logged)
	}
}
