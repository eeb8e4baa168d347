//go:build unix

package main

// Uploads through the relay (src/main/core/http/relay-upload.ts says when): Tack has checked the request and its quota,
// and hands over the client's socket with the body bytes it had already read. The relay reads the rest of the
// body (exactly Content-Length bytes), computes the CID as it goes (unixfs.go) and streams the bytes to the
// object store with the PUTs Tack signs (one, or one per part: parts.go). It reports the CID, the first bytes
// (Tack types the file from them) and the parts' ETags; Tack completes the object, records the upload and
// sends back the whole response, which the relay writes before closing.

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Tack always answers an upload it handed over (or exits, which ends this process): the wait is only a
// backstop, long enough for an upload with pin=true, which is answered once Kubo has pinned it.
const answerTimeout = 6 * time.Hour

const headBytes = 512

func (ch *channel) upload(fd int, job relayJob) {
	answer := make(chan string, 1)
	ch.answersMu.Lock()
	ch.answers[job.ID] = answer
	ch.answersMu.Unlock()
	defer func() {
		ch.answersMu.Lock()
		delete(ch.answers, job.ID)
		ch.answersMu.Unlock()
	}()
	client, err := clientConn(fd)
	done := map[string]any{"type": "upload-done", "id": job.ID}
	if err == nil {
		var cid string
		var head []byte
		var etags []string
		cid, head, etags, err = receive(ch, client, job)
		done["cid"] = cid
		done["head"] = base64.StdEncoding.EncodeToString(head)
		done["etags"] = etags
	}
	if err != nil {
		done["error"] = err.Error()
	}
	ch.send(done)
	if client == nil {
		return
	}
	select {
	case response := <-answer:
		client.SetWriteDeadline(time.Now().Add(stallTimeout))
		client.Write([]byte(response))
	case <-time.After(answerTimeout):
	}
	closeGently(client)
}

// receive copies job.Length body bytes from client to the store, hashing them; returns the CID, the head
// and the ETags of the parts the store took (one for a single PUT).
func receive(ch *channel, client *net.TCPConn, job relayJob) (string, []byte, []string, error) {
	first, err := base64.StdEncoding.DecodeString(job.Body)
	if err != nil || int64(len(first)) > job.Length {
		return "", nil, nil, fmt.Errorf("bad buffered body")
	}
	store := newPartWriter(ch, job)
	defer store.release()
	if err := store.Open(); err != nil {
		store.Abort()
		return "", nil, nil, err
	}
	hasher := newFileHasher()
	var head []byte
	pass := func(p []byte) error {
		if len(head) < headBytes {
			head = append(head, p[:min(len(p), headBytes-len(head))]...)
		}
		hasher.Write(p)
		return store.Write(p)
	}
	fail := func(err error) (string, []byte, []string, error) {
		store.Abort()
		return "", nil, nil, err
	}
	if err := pass(first); err != nil {
		return fail(err)
	}
	left := job.Length - int64(len(first))
	buf := make([]byte, 1<<20)
	for left > 0 {
		client.SetReadDeadline(time.Now().Add(stallTimeout))
		n, err := client.Read(buf[:min(int64(len(buf)), left)])
		if n > 0 {
			left -= int64(n)
			if perr := pass(buf[:n]); perr != nil {
				return fail(perr)
			}
		}
		if err != nil && left > 0 {
			if err == io.EOF {
				return fail(fmt.Errorf("the client sent %d of %d bytes", job.Length-left, job.Length))
			}
			return fail(err)
		}
	}
	client.SetReadDeadline(time.Time{})
	etags, err := store.Close()
	if err != nil {
		return fail(err)
	}
	return hasher.Sum(), head, etags, nil
}

// storeRefused turns a failed write into the store's own answer when it sent one (it stops reading after
// refusing a request).
func storeRefused(up *net.TCPConn, writeErr error) error {
	up.SetReadDeadline(time.Now().Add(time.Second))
	if res, err := http.ReadResponse(bufio.NewReader(up), nil); err == nil {
		return fmt.Errorf("the object store answered %s", res.Status)
	}
	return writeErr
}
