//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tackSide is Tack's end of the IPC channel, as Node's child_process writes it: JSON lines, descriptors in
// SCM_RIGHTS with the line they belong to.
type tackSide struct {
	conn  *net.UnixConn
	lines *bufio.Reader
}

func startChannel(t *testing.T) *tackSide {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	ch := newChannel(unixConn(t, fds[0]))
	go ch.serve()
	tack := unixConn(t, fds[1])
	t.Cleanup(func() { tack.Close(); ch.conn.Close() })
	return &tackSide{conn: tack, lines: bufio.NewReader(tack)}
}

func unixConn(t *testing.T, fd int) *net.UnixConn {
	f := os.NewFile(uintptr(fd), "")
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		t.Fatal(err)
	}
	return c.(*net.UnixConn)
}

func (s *tackSide) send(t *testing.T, line string, conn *net.TCPConn) {
	var oob []byte
	if conn != nil {
		f, err := conn.File()
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		oob = syscall.UnixRights(int(f.Fd()))
	}
	if _, _, err := s.conn.WriteMsgUnix([]byte(line+"\n"), oob, nil); err != nil {
		t.Fatal(err)
	}
}

// next returns the next message the relay sent whose "type" or "cmd" is one of what.
func (s *tackSide) next(t *testing.T, what ...string) map[string]any {
	s.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		line, err := s.lines.ReadString('\n')
		if err != nil {
			t.Fatalf("waiting for %v: %v", what, err)
		}
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		for _, w := range what {
			if m["type"] == w || m["cmd"] == w {
				return m
			}
		}
	}
}

// tcpPair returns the two ends of a loopback connection: the server's (handed to the relay) and the client's.
func tcpPair(t *testing.T) (server, client *net.TCPConn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return s.(*net.TCPConn), c.(*net.TCPConn)
}

// serveEach listens on a loopback port and calls handle with each connection (closed after); its address.
func serveEach(t *testing.T, handle func(c net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// upstream answers every request with body.
func upstream(t *testing.T, body string) string {
	return serveEach(t, func(c net.Conn) {
		bufio.NewReader(c).ReadString('\n')
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: "+itoa(len(body))+"\r\n\r\n"+body)
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func readAll(t *testing.T, c *net.TCPConn) string {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading what the relay sent: %v", err)
	}
	return string(b)
}

func TestReadJobSendsHeadThenBodyAndAnUnreadableLineNeverLendsItsSocket(t *testing.T) {
	tack := startChannel(t)
	addr := upstream(t, "hello")
	droppedServer, droppedClient := tcpPair(t)
	server, client := tcpPair(t)

	tack.send(t, `{"cmd":"NODE_HANDLE","type":"net.Socket","msg":{"id":1,`, droppedServer)
	head := "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\n"
	job, _ := json.Marshal(map[string]any{
		"id": 7, "kind": "read", "head": head, "fail": "HTTP/1.1 503 x\r\n\r\n",
		"addr": addr, "request": "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "status": 200, "length": 5,
	})
	tack.send(t, `{"cmd":"NODE_HANDLE","type":"net.Socket","msg":`+string(job)+`}`, server)
	// Tack's copies go, as Node closes its handle once sent: only the relay's remain.
	droppedServer.Close()
	server.Close()

	tack.next(t, "NODE_HANDLE_ACK")
	if taken := tack.next(t, "taken"); taken["id"] != float64(7) {
		t.Fatalf("taken: %v", taken)
	}
	if got := readAll(t, client); got != head+"hello" {
		t.Fatalf("the client got %q", got)
	}
	if done := tack.next(t, "relay-done"); done["id"] != float64(7) || done["sent"] != float64(5) || done["error"] != nil {
		t.Fatalf("relay-done: %v", done)
	}
	// The socket that came with the unreadable line was closed, not kept for the next job.
	if got := readAll(t, droppedClient); got != "" {
		t.Fatalf("the dropped socket got %q", got)
	}
}

func TestAReadWhoseUpstreamBreaksItsPromiseGetsTheFailure(t *testing.T) {
	tack := startChannel(t)
	addr := upstream(t, "short")
	server, client := tcpPair(t)
	job, _ := json.Marshal(map[string]any{
		"id": 3, "kind": "read", "head": "HTTP/1.1 200 OK\r\n\r\n", "fail": "HTTP/1.1 503 Service Unavailable\r\n\r\n",
		"addr": addr, "request": "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "status": 200, "length": 1000,
	})
	tack.send(t, `{"cmd":"NODE_HANDLE","type":"net.Socket","msg":`+string(job)+`}`, server)
	server.Close()
	if got := readAll(t, client); !strings.HasPrefix(got, "HTTP/1.1 503 ") {
		t.Fatalf("the client got %q", got)
	}
	if done := tack.next(t, "relay-done"); done["error"] == nil {
		t.Fatalf("relay-done without an error: %v", done)
	}
}

func TestAJobWithoutItsSocketIsAnsweredAndServerCloseIsNeverWaitedOn(t *testing.T) {
	tack := startChannel(t)
	// Node sends the message alone when the socket closed before it could go.
	tack.send(t, `{"id":9,"kind":"upload","body":"","length":10}`, nil)
	if done := tack.next(t, "upload-done"); done["id"] != float64(9) || done["error"] == nil {
		t.Fatalf("upload-done: %v", done)
	}
	tack.send(t, `{"cmd":"NODE_SOCKET_NOTIFY_CLOSE","key":"tcp4:127.0.0.1:7575"}`, nil)
	if closed := tack.next(t, "NODE_SOCKET_ALL_CLOSED"); closed["key"] != "tcp4:127.0.0.1:7575" {
		t.Fatalf("all closed: %v", closed)
	}
}

func TestAReadWhoseUpstreamEndsEarlySaysHowFarItGot(t *testing.T) {
	tack := startChannel(t)
	// It promises 1000 bytes and sends 5.
	addr := serveEach(t, func(c net.Conn) {
		bufio.NewReader(c).ReadString('\n')
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort")
	})
	server, client := tcpPair(t)
	head := "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n"
	job, _ := json.Marshal(map[string]any{
		"id": 4, "kind": "read", "head": head, "fail": "HTTP/1.1 503 Service Unavailable\r\n\r\n",
		"addr": addr, "request": "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "status": 200, "length": 1000,
	})
	tack.send(t, `{"cmd":"NODE_HANDLE","type":"net.Socket","msg":`+string(job)+`}`, server)
	server.Close()
	if got := readAll(t, client); got != head+"short" {
		t.Fatalf("the client got %q", got)
	}
	done := tack.next(t, "relay-done")
	if done["sent"] != float64(5) || done["error"] != "the upstream ended after 5 of 1000 bytes" {
		t.Fatalf("relay-done: %v", done)
	}
}

func TestAReadFromAUnixSocketUpstreamDialsThatSocket(t *testing.T) {
	// Kubo's gateway listens on a Unix socket in a private directory (Tack's kubo/repo.ts): Addr unix:<path>.
	// Not t.TempDir(): its path, named after the test, can pass what a socket address takes (104 bytes on macOS).
	dir, err := os.MkdirTemp("", "relay-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := dir + "/gateway.sock"
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	asked := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		line, _ := bufio.NewReader(c).ReadString('\n')
		asked <- line
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nfrom socket")
	}()
	tack := startChannel(t)
	server, client := tcpPair(t)
	head := "HTTP/1.1 200 OK\r\ncontent-length: 11\r\nconnection: close\r\n\r\n"
	job, _ := json.Marshal(map[string]any{
		"id": 5, "kind": "read", "head": head, "fail": "HTTP/1.1 503 Service Unavailable\r\n\r\n",
		"addr": "unix:" + path, "request": "GET /ipfs/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "status": 200, "length": 11,
	})
	tack.send(t, `{"cmd":"NODE_HANDLE","type":"net.Socket","msg":`+string(job)+`}`, server)
	server.Close()
	if got := readAll(t, client); got != head+"from socket" {
		t.Fatalf("the client got %q", got)
	}
	if line := <-asked; line != "GET /ipfs/x HTTP/1.1\r\n" {
		t.Fatalf("the socket was asked %q", line)
	}
	if done := tack.next(t, "relay-done"); done["id"] != float64(5) || done["sent"] != float64(11) || done["error"] != nil {
		t.Fatalf("relay-done: %v", done)
	}
}
