//go:build deps

// Package deps pins the modules the stages use while they are being written.
package deps
import (
 _ "github.com/PuerkitoBio/goquery"
 _ "github.com/JohannesKaufmann/html-to-markdown/v2"
 _ "go.yaml.in/yaml/v3"
 _ "github.com/robfig/cron/v3"
 _ "github.com/mmcdole/gofeed"
 _ "github.com/sergi/go-diff/diffmatchpatch"
 _ "github.com/schollz/progressbar/v3"
 _ "golang.org/x/text/unicode/norm"
 _ "golang.org/x/term"
 _ "golang.org/x/net/html"
 _ "golang.org/x/time/rate"
 _ "github.com/yuin/goldmark"
 _ "github.com/aymanbagabas/go-udiff"
)

