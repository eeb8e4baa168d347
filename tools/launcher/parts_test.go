//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"sync"
	"testing"
)

// partStore stands in for the object store: it reads each PUT whole, records its part number and length,
// and answers 200 with an ETag naming the part (or `refuse` for that part).
type partStore struct {
	addr   string
	mu     sync.Mutex
	got    map[string]int
	refuse string
}

func startPartStore(t *testing.T, refuse string) *partStore {
	s := &partStore{got: map[string]int{}, refuse: refuse}
	s.addr = serveEach(t, func(c net.Conn) {
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		body, _ := io.ReadAll(req.Body)
		part := req.URL.Query().Get("partNumber")
		s.mu.Lock()
		s.got[part] = len(body)
		s.mu.Unlock()
		if part == s.refuse {
			io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
			return
		}
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nETag: \"e%s\"\r\nContent-Length: 0\r\n\r\n", part)
	})
	return s
}

func partRequest(n, length int) string {
	return fmt.Sprintf("PUT /o?partNumber=%d HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", n, length)
}

// uploadInParts hands the relay an upload of 2 × partSize + 5 bytes in three parts and answers its asks for
// the next part (with an error instead, for part failPart) until it reports; returns the bytes sent, the
// parts it asked for and its upload-done.
func uploadInParts(t *testing.T, store *partStore, failPart int) ([]byte, []int, map[string]any) {
	const partSize = 300_000
	bytes := make([]byte, 2*partSize+5)
	for i := range bytes {
		bytes[i] = byte(i * 13 % 251)
	}
	tack := startChannel(t)
	server, client := tcpPair(t)
	job, _ := json.Marshal(map[string]any{
		"id": 5, "kind": "upload", "body": "", "length": len(bytes), "parts": 3, "partSize": partSize,
		"addr": store.addr, "request": partRequest(1, partSize),
	})
	tack.send(t, `{"cmd":"NODE_HANDLE","type":"net.Socket","msg":`+string(job)+`}`, server)
	server.Close()
	// One write that spans every part: the relay splits what it reads at the parts' bounds.
	go client.Write(bytes)
	var asked []int
	for {
		m := tack.next(t, "part-wanted", "upload-done")
		if m["type"] == "upload-done" {
			return bytes, asked, m
		}
		n := int(m["part"].(float64))
		asked = append(asked, n)
		reply := map[string]any{"type": "part", "id": 5, "part": n, "addr": store.addr,
			"request": partRequest(n, min(partSize, len(bytes)-(n-1)*partSize))}
		if n == failPart {
			reply = map[string]any{"type": "part", "id": 5, "part": n, "error": "object store write failed"}
		}
		answer, _ := json.Marshal(reply)
		tack.send(t, string(answer), nil)
	}
}

func TestAnUploadInPartsSendsEachPartWholeAndReportsTheirETagsInOrder(t *testing.T) {
	store := startPartStore(t, "")
	bytes, asked, done := uploadInParts(t, store, 0)
	if done["error"] != nil || !reflect.DeepEqual(asked, []int{2, 3}) {
		t.Fatalf("asked for parts %v; upload-done: %v", asked, done)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if want := map[string]int{"1": 300_000, "2": 300_000, "3": 5}; !reflect.DeepEqual(store.got, want) {
		t.Fatalf("the store got %v, expected %v", store.got, want)
	}
	if etags := done["etags"]; !reflect.DeepEqual(etags, []any{`"e1"`, `"e2"`, `"e3"`}) {
		t.Fatalf("etags %v", etags)
	}
	h := newFileHasher()
	h.Write(bytes)
	if done["cid"] != h.Sum() {
		t.Fatalf("cid %v, the bytes' own is %s", done["cid"], h.Sum())
	}
}

func TestAPartTheStoreRefusesFailsTheUpload(t *testing.T) {
	// The refusal ends the upload when the relay opens part 3, or at the end should it come later.
	_, _, done := uploadInParts(t, startPartStore(t, "2"), 0)
	if done["error"] != "the object store answered 403 Forbidden" {
		t.Fatalf("upload-done: %v", done)
	}
}

func TestAPartTackCannotSignFailsTheUpload(t *testing.T) {
	_, _, done := uploadInParts(t, startPartStore(t, ""), 2)
	if done["error"] != "no request for part 2: object store write failed" {
		t.Fatalf("upload-done: %v", done)
	}
}
