package fakewx

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// route is what one page key serves: queued faults first, then base.
type route struct {
	base  http.HandlerFunc // nil: 404
	body  []byte           // the page or image base serves, for Truncate
	queue []http.HandlerFunc
}

// VerifyHTML is what the fake serves at the captcha path.
const VerifyHTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>环境异常</title></head>` +
	`<body><div class="weui-msg"><h2 class="weui-msg__title">环境异常</h2>` +
	`<p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p><a id="js_verify">去验证</a></div></body></html>`

// CaptchaPath is where WeChat sends a client it wants to verify.
const CaptchaPath = "/mp/wappoc_appmsgcaptcha"

func (s *Server) route(p string) *route {
	k := key(split(p))
	r, ok := s.routes[k]
	if !ok {
		r = &route{}
		s.routes[k] = r
	}
	return r
}

func (s *Server) setBase(p string, body []byte, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.route(p)
	r.base, r.body = h, body
}

func (s *Server) push(p string, n int, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.route(p)
	for range n {
		r.queue = append(r.queue, h)
	}
}

// Page serves html at p (a path with optional query, or a full URL) with
// status 200, replacing what p served before. A long article link matches
// requests with the same __biz, mid and idx whatever the other parameters;
// a path without query matches any query.
func (s *Server) Page(p, html string) {
	body := []byte(html)
	s.setBase(p, body, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		gzipped(w, r, http.StatusOK, body)
	})
}

// Image serves data with content type ctype at p.
func (s *Server) Image(p, ctype string, data []byte) {
	s.setBase(p, data, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data)
	})
}

// Handle makes p answer with h, for what the other helpers do not cover
// (a response that waits for the test, say).
func (s *Server) Handle(p string, h http.HandlerFunc) { s.setBase(p, nil, h) }

// Remove makes p answer 404 (and drops its queued faults).
func (s *Server) Remove(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.routes, key(split(p)))
}

// Redirect makes p answer 302 to location (absolute or relative).
func (s *Server) Redirect(p, location string) {
	s.setBase(p, nil, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, location, http.StatusFound)
	})
}

// Captcha makes the next n requests to p redirect to the verification page
// (/mp/wappoc_appmsgcaptcha?poc_token=…&target_url=…).
func (s *Server) Captcha(p string, n int) {
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		target := scheme + "://" + r.Host + r.URL.RequestURI()
		loc := scheme + "://" + r.Host + CaptchaPath + "?poc_token=HBfake" + "&target_url=" + url.QueryEscape(target)
		http.Redirect(w, r, loc, http.StatusFound)
	})
}

// RateLimit makes the next n requests to p answer 429 with Retry-After
// retryAfter (seconds or an HTTP date; "" for none).
func (s *Server) RateLimit(p, retryAfter string, n int) {
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, "too many requests", http.StatusTooManyRequests)
	})
}

// Fail makes the next n requests to p answer status (e.g. 503).
func (s *Server) Fail(p string, status, n int) {
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, http.StatusText(status), status)
	})
}

// Drop makes the next n requests to p lose their connection before any
// response.
func (s *Server) Drop(p string, n int) {
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	})
}

// Truncate makes the next n requests to p get half of what p serves (or of
// a stub page) under a Content-Length of the whole, then a closed connection.
func (s *Server) Truncate(p string, n int) {
	s.mu.Lock()
	body := s.route(p).body
	s.mu.Unlock()
	if len(body) < 2 {
		body = []byte("<html><body>" + strings.Repeat("truncated ", 100) + "</body></html>")
	}
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n", len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
	})
}

// Oversize makes the next n requests to p get a page of size bytes,
// streamed without Content-Length.
func (s *Server) Oversize(p string, size int64, n int) {
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		http.NewResponseController(w).Flush() // chunked: no Content-Length
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(int64(len(chunk)), size-sent)]); err != nil {
				return
			}
		}
	})
}

// Hang makes the next n requests to p wait until the client gives up.
func (s *Server) Hang(p string, n int) {
	s.push(p, n, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		// Never an answer: returning would send an empty 200, which a
		// client cancelling at that instant could take as the page.
		panic(http.ErrAbortHandler)
	})
}

// serve records the request and answers from its route.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	k := key(r.URL.Path, r.URL.RawQuery)
	s.mu.Lock()
	s.log = append(s.log, Request{
		Method: r.Method, Host: r.Host, URI: r.URL.RequestURI(), Path: r.URL.Path,
		TLS: r.TLS != nil, Header: r.Header.Clone(),
	})
	s.byKey[k]++
	s.byPath[r.URL.Path]++
	rt, ok := s.routes[k]
	if !ok {
		rt, ok = s.routes[r.URL.Path]
	}
	var h http.HandlerFunc
	if ok {
		if len(rt.queue) > 0 {
			h, rt.queue = rt.queue[0], rt.queue[1:]
		} else {
			h = rt.base
		}
	}
	s.mu.Unlock()
	switch {
	case h != nil:
		h(w, r)
	case r.URL.Path == CaptchaPath:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(VerifyHTML))
	default:
		http.NotFound(w, r)
	}
}
