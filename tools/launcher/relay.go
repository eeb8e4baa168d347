//go:build unix

// The gateway's byte relay. Node spends more CPU per byte relaying a socket than Kubo or MinIO spend
// serving it, so large reads leave Node (the measured reason is written once, in src/main/core/http/ship.ts;
// the relay copies rather than splices, see relay()): once Tack has checked a request and composed the
// response head, it passes the client's socket here over Node's IPC channel
// (child_process.send with a handle: JSON lines, the descriptor in SCM_RIGHTS) with the upstream request to
// make. The relay sends the head, then the upstream body, and closes the connection. Upstreams are reached
// only through their documented HTTP interfaces (MinIO's S3 API, Kubo's gateway), never their files. Large
// uploads come the same way the other direction (upload.go).
//
// Node's side of the channel (lib/internal/child_process.js) expects NODE_HANDLE_ACK after each handle (Node
// sends the next one only then); Tack also waits for our {type: "taken"} before it sends another socket, so
// no socket ever waits in Node's own queue. Tack clears socket.server before sending, so Node does not treat
// this process as a cluster worker; should it anyway, NODE_SOCKET_NOTIFY_CLOSE and NODE_SOCKET_GET_COUNT
// are answered so that a server's close() never waits on us.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// relayJob is what Tack sends with a socket (the `msg` of its NODE_HANDLE message).
type relayJob struct {
	ID int64 `json:"id"`
	// Kind is "read" (send Head, then the upstream's body) or "upload" (see upload.go).
	Kind string `json:"kind"`
	// Body (upload): the request body bytes Node had already read, base64.
	Body string `json:"body"`
	// Head is the response's status line and headers, ending with the blank line.
	Head string `json:"head"`
	// Addr is the upstream's host:port (loopback), or unix:<path> for a Unix socket (Kubo's gateway listens on
	// one: Tack's kubo/repo.ts), and Request the HTTP/1.1 request to send it.
	Addr    string `json:"addr"`
	Request string `json:"request"`
	// Status and Length are what the upstream must answer for Head to be true.
	Status int   `json:"status"`
	Length int64 `json:"length"`
	// Fail is sent instead of Head when the upstream answers anything else before a byte went out.
	Fail string `json:"fail"`
	// Parts and PartSize (upload): the body goes to the store in Parts PUTs of PartSize bytes (the last one
	// shorter); Addr and Request are the first one's, and the relay asks Tack for each next one (parts.go).
	Parts    int   `json:"parts"`
	PartSize int64 `json:"partSize"`
}

type channelMessage struct {
	Cmd string          `json:"cmd"`
	Key json.RawMessage `json:"key,omitempty"`
	Msg json.RawMessage `json:"msg,omitempty"`
	// Tack's own messages: {type: "respond", id, response} answers an upload; {type: "part", id, part,
	// addr, request} (or error) gives the PUT of an upload's next part.
	Type     string `json:"type"`
	ID       int64  `json:"id"`
	Response string `json:"response"`
	Part     int    `json:"part"`
	Addr     string `json:"addr"`
	Request  string `json:"request"`
	Error    string `json:"error"`
}

// An upstream (or an uploading client) that sends nothing for stallTimeout is dropped; a reading client may
// stop reading for up to readerPause (a paused video) before its download is. Deadlines move with each chunk.
const (
	stallTimeout = 60 * time.Second
	readerPause  = 10 * time.Minute
	chunk        = 1 << 20
)

func relayMain() int {
	fd, err := strconv.Atoi(os.Getenv("NODE_CHANNEL_FD"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tack-launcher relay: no NODE_CHANNEL_FD (start it with an IPC channel)")
		return 2
	}
	f := os.NewFile(uintptr(fd), "node-ipc")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher relay: %v\n", err)
		return 2
	}
	ch := newChannel(c.(*net.UnixConn))
	if err := ch.serve(); err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(os.Stderr, "tack-launcher relay: %v\n", err)
		return 1
	}
	// The channel closed: Tack is gone or stopping. Transfers in flight end with the process.
	return 0
}

type channel struct {
	conn    *net.UnixConn
	writeMu sync.Mutex
	active  atomic.Int64
	// Uploads waiting for Tack's answer, by job id.
	answersMu sync.Mutex
	answers   map[int64]chan string
	// Uploads waiting for the request of their next part, by job id (under answersMu).
	partAnswers map[int64]chan channelMessage
}

func newChannel(conn *net.UnixConn) *channel {
	return &channel{conn: conn, answers: map[int64]chan string{}, partAnswers: map[int64]chan channelMessage{}}
}

func (ch *channel) send(v any) {
	line, _ := json.Marshal(v)
	ch.writeMu.Lock()
	defer ch.writeMu.Unlock()
	ch.conn.Write(append(line, '\n'))
}

// serve reads JSON lines and the descriptors that come with them, in order, until the channel closes.
func (ch *channel) serve() error {
	buf := make([]byte, 64<<10)
	oob := make([]byte, syscall.CmsgSpace(16*4))
	var pending []byte
	var fds []int
	for {
		n, oobn, _, _, err := ch.conn.ReadMsgUnix(buf, oob)
		if oobn > 0 {
			msgs, perr := syscall.ParseSocketControlMessage(oob[:oobn])
			if perr == nil {
				for i := range msgs {
					got, _ := syscall.ParseUnixRights(&msgs[i])
					fds = append(fds, got...)
				}
			}
		}
		if n > 0 {
			pending = append(pending, buf[:n]...)
		}
		for {
			i := indexNewline(pending)
			if i < 0 {
				break
			}
			var m channelMessage
			if json.Unmarshal(pending[:i], &m) == nil {
				fds = ch.handle(m, pending[:i], fds)
			} else if len(fds) > 0 && bytes.Contains(pending[:i], []byte(`"NODE_HANDLE"`)) {
				// Never pair a descriptor with the next job: drop the one this unreadable line carried.
				syscall.Close(fds[0])
				fds = fds[1:]
			}
			pending = pending[i+1:]
		}
		if err != nil {
			return err
		}
	}
}

func indexNewline(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

func (ch *channel) handle(m channelMessage, line []byte, fds []int) []int {
	switch m.Cmd {
	case "NODE_HANDLE":
		if len(fds) == 0 {
			ch.send(map[string]string{"cmd": "NODE_HANDLE_NACK"})
			return fds
		}
		fd := fds[0]
		fds = fds[1:]
		ch.send(map[string]string{"cmd": "NODE_HANDLE_ACK"})
		var job relayJob
		err := json.Unmarshal(m.Msg, &job)
		ch.send(map[string]any{"type": "taken", "id": job.ID})
		if err != nil {
			syscall.Close(fd)
			return fds
		}
		ch.active.Add(1)
		if job.Kind == "upload" {
			go func() {
				defer ch.active.Add(-1)
				ch.upload(fd, job)
			}()
			return fds
		}
		go func() {
			defer ch.active.Add(-1)
			client, err := clientConn(fd)
			var sent int64
			if err == nil {
				sent, err = relay(client, job)
			}
			done := map[string]any{"type": "relay-done", "id": job.ID, "sent": sent}
			if err != nil {
				done["error"] = err.Error()
			}
			ch.send(done)
			if client != nil {
				closeGently(client)
			}
		}()
	case "NODE_SOCKET_NOTIFY_CLOSE":
		ch.send(map[string]any{"cmd": "NODE_SOCKET_ALL_CLOSED", "key": m.Key})
	case "NODE_SOCKET_GET_COUNT":
		ch.send(map[string]any{"cmd": "NODE_SOCKET_COUNT", "key": m.Key, "count": ch.active.Load()})
	case "":
		// A job without its socket (Node sends the message alone when the socket closed first): say so.
		var job relayJob
		if len(m.Msg) == 0 && json.Unmarshal(line, &job) == nil && job.Kind != "" {
			ch.send(map[string]any{"type": "taken", "id": job.ID})
			done := map[string]string{"read": "relay-done", "upload": "upload-done"}[job.Kind]
			ch.send(map[string]any{"type": done, "id": job.ID, "error": "no socket came with the job"})
		}
		if m.Type == "part" {
			ch.answersMu.Lock()
			answer := ch.partAnswers[m.ID]
			ch.answersMu.Unlock()
			if answer != nil {
				select {
				case answer <- m:
				default: // nobody asked for it
				}
			}
		}
		if m.Type == "respond" {
			ch.answersMu.Lock()
			answer := ch.answers[m.ID]
			delete(ch.answers, m.ID)
			ch.answersMu.Unlock()
			if answer != nil {
				answer <- m.Response
			}
		}
	}
	return fds
}

func clientConn(fd int) (*net.TCPConn, error) {
	f := os.NewFile(uintptr(fd), "client")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	client, ok := c.(*net.TCPConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("the handle is not a TCP socket")
	}
	return client, nil
}

// relay answers client with job; returns the body bytes sent. The caller closes client.
func relay(client *net.TCPConn, job relayJob) (int64, error) {
	up, body, err := open(job)
	if err != nil {
		client.SetWriteDeadline(time.Now().Add(stallTimeout))
		client.Write([]byte(job.Fail))
		return 0, err
	}
	defer up.Close()
	client.SetWriteDeadline(time.Now().Add(stallTimeout))
	if _, err := client.Write([]byte(job.Head)); err != nil {
		return 0, err
	}
	var sent int64
	// What the header read took in past the head goes first; the rest is copied through a buffer. Not
	// spliced: the relay spends less with splice(2), but a client reading what splice passed on spends more
	// (why, in the kernel, was not traced), and the read ends later. Measured (1 GiB pinned reads, Node's http client, 12 interleaved rounds):
	// spliced 1122 MiB/s median, copied through 1 MiB 1275, Kubo's own gateway 1231; copying won 11 of 12
	// rounds, and the client's CPU per read fell from 0.73-0.79 s to 0.47-0.63 (Kubo's: 0.45-0.58).
	if n := body.Buffered(); n > 0 {
		head, _ := body.Peek(int(min(int64(n), job.Length)))
		w, err := client.Write(head)
		sent += int64(w)
		if err != nil {
			return sent, err
		}
	}
	bufp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bufp)
	buf := *bufp
	for sent < job.Length {
		up.SetReadDeadline(time.Now().Add(stallTimeout))
		n, err := up.Read(buf[:min(int64(len(buf)), job.Length-sent)])
		if n > 0 {
			client.SetWriteDeadline(time.Now().Add(readerPause))
			w, werr := client.Write(buf[:n])
			sent += int64(w)
			if werr != nil {
				return sent, werr
			}
		}
		if err == io.EOF && sent < job.Length {
			return sent, fmt.Errorf("the upstream ended after %d of %d bytes", sent, job.Length)
		}
		if err != nil && sent < job.Length {
			return sent, err
		}
	}
	return sent, nil
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, chunk); return &b }}

// open sends job's request upstream and reads the response head; the body is then read from the returned
// connection, after what the reader already buffered.
func open(job relayJob) (net.Conn, *bufio.Reader, error) {
	up, err := dialUpstream(job.Addr)
	if err != nil {
		return nil, nil, err
	}
	up.SetDeadline(time.Now().Add(stallTimeout))
	if _, err := up.Write([]byte(job.Request)); err != nil {
		up.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(up, 16<<10)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		up.Close()
		return nil, nil, err
	}
	if res.StatusCode != job.Status || res.ContentLength != job.Length || len(res.TransferEncoding) > 0 {
		up.Close()
		return nil, nil, fmt.Errorf("the upstream answered %d with %d bytes, not %d with %d",
			res.StatusCode, res.ContentLength, job.Status, job.Length)
	}
	return up, br, nil
}

// dialUpstream connects to addr: host:port over TCP, or unix:<path> to that Unix socket.
func dialUpstream(addr string) (net.Conn, error) {
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		return net.DialTimeout("unix", path, 5*time.Second)
	}
	return net.DialTimeout("tcp", addr, 5*time.Second)
}

// closeGently ends the response with a FIN and reads what the client may still send before closing, so
// that unread bytes (a pipelined request) do not turn the close into a reset that loses the body's end.
func closeGently(c *net.TCPConn) {
	c.CloseWrite()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, io.LimitReader(c, 1<<20))
	c.Close()
}
