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

// uploadInParts hands the relay an upload of 2 × partSize + 5 bytes in three parts, answers its asks for
// parts 2 and 3 (with an error instead, for part failPart), and returns the bytes sent and the relay's
// upload-done.
func uploadInParts(t *testing.T, store *partStore, failPart ...int) ([]byte, map[string]any) {
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
	for _, part := range [][2]int{{2, partSize}, {3, 5}} {
		n, length := part[0], part[1]
		wanted := tack.next(t, "part-wanted")
		if wanted["id"] != float64(5) || wanted["part"] != float64(n) {
			t.Fatalf("asked for %v, expected part %d", wanted, n)
		}
		reply := map[string]any{"type": "part", "id": 5, "part": n, "addr": store.addr, "request": partRequest(n, length)}
		if len(failPart) > 0 && failPart[0] == n {
			reply = map[string]any{"type": "part", "id": 5, "part": n, "error": "object store write failed"}
		}
		answer, _ := json.Marshal(reply)
		tack.send(t, string(answer), nil)
		if len(failPart) > 0 && failPart[0] == n {
			break
		}
	}
	return bytes, tack.next(t, "upload-done")
}

func TestAnUploadInPartsSendsEachPartWholeAndReportsTheirETagsInOrder(t *testing.T) {
	store := startPartStore(t, "")
	bytes, done := uploadInParts(t, store)
	if done["error"] != nil {
		t.Fatalf("upload-done: %v", done)
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
	_, done := uploadInParts(t, startPartStore(t, "2"))
	if done["error"] != "the object store answered 403 Forbidden" {
		t.Fatalf("upload-done: %v", done)
	}
}

func TestAPartTackCannotSignFailsTheUpload(t *testing.T) {
	_, done := uploadInParts(t, startPartStore(t, ""), 2)
	if done["error"] != "no request for part 2: object store write failed" {
		t.Fatalf("upload-done: %v", done)
	}
}
