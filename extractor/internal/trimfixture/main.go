// Command trimfixture copies WeChat fixture pages into testdata, trimmed of
// what the extractor never reads: <script> blocks without any of the values
// it reads, <style> blocks, <link> tags and <svg> drawings. Each trimmed page
// is checked to extract exactly as its original (same state, identity and
// rendered Markdown); a removal that would change the result is undone.
//
// Run from the repository root:
//
//	go run ./extractor/internal/trimfixture [-src ../shared/fixtures/wechat] [-dst testdata/wechat]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"wxarchive/extractor"
)

// pages are the fixtures copied: at least one of every kind.
var pages = []string{
	"saved-2016-angenunu-phonics-no1.html",
	"saved-noscript-2016-angenunu-phonics-no1.html",
	"goscraper-2017-jiagoushi-mq.html",
	"goscraper-2018-jiagoushi-dongjing.html",
	"wechatsogou-2018-qqmusic.html",
	"savetruth-2017-caoluoji-video-page.html",
	"gne-2020-weiwencode-python-code.html",
	"magichtml-2022-zhangshangsuide.html",
	"llmwebkit-2024-csdn-hongmeng.html",
	"exporter-2025-article-02.html",
	"openclaw-2026-linyuebanzi-ai-agents.html",
	"thepass-2026-picture-item8-feishu.html",
	"exporter-2025-text-01.html",
	"thepass-2026-text-item10-wuxiaobo.html",
	"exporter-deleted-zh.html",
	"exporter-deleted-en.html",
	"exporter-violation-01.html",
	"exporter-unavailable.html",
	"special-verify-2026-a.html",
	"special-verify-en.html",
	"special-expired-link-2018.html",
	"special-param-error.html",
	"special-album-2025.html",
	"special-truncated-datawhale-aigc.html",
	// every other article page, for the corpus tests of issue 8
	"claw-2025-shdx-fuxiao-english-teaching.html",
	"exporter-2025-article-01.html",
	"exporter-2025-picture-01.html",
	"exporter-2025-share-01.html",
	"gne-2020-aifou-galaxy-s20.html",
	"jface-2026-dajingxiaoguai-iphone.html",
	"saved-2017-huawei-codecraft.html",
	"saved-2018-jingshenbingren-pku.html",
	"saved-2018-xianyu-tech-video.html",
	"saved-2020-qianduandaquan-js-interview.html",
	"savetruth-2016-zaichufa-reprint-longform.html",
	"savetruth-2017-caoluoji-video-iframe.html",
	"savetruth-2017-jundu-qqmusic.html",
	"savetruth-2018-caoluoji-comic-57img.html",
	"savetruth-2018-caoluoji-miniprogram-embed.html",
	"savetruth-2018-jundu-pre-blocks.html",
	"savetruth-2018-jundu-reprint-postdate.html",
	"savetruth-2018-jundujun-longform.html",
	"savetruth-2018-junzhengping-english-ui.html",
	"savetruth-2018-ligelicai-mpvoice-qr.html",
	"savetruth-2019-caoluoji-comic.html",
	"thepass-2026-picture-item8-tesla.html",
	"thepass-2026-wuxiaobo-article.html",
	"wechatsogou-2018-changjiangribao-mpvoice.html",
	"wechatsogou-2018-gongchandangyuan-video-iframe.html",
	"wechatsogou-2018-huashangbao-news-bgimage.html",
}

// markers: a script containing one of these holds values the extractor reads.
var markers = []string{
	"var biz", "window.biz", "biz =", "biz :", "msg_title", "var ct", "window.ct", "create_time",
	"cgiDataNew", "cgiData =", "__QMTPL_SSR_DATA__", "ip_wording", "hashtags:", "appmsgalbuminfo:",
	"picture_page_info_list", "text_page_info", "reportOpt", "d.mid", "user_name", "nickname",
	"item_show_type", "wappoc_appmsgcaptcha", "modify_time", "copyright_stat", "msg_link",
	"msg_desc", "msg_cdn_url", "msg_source_url", "var author", "var mid", "var idx", "var sn",
}

func main() {
	src := flag.String("src", "../shared/fixtures/wechat", "folder of the original fixtures")
	dst := flag.String("dst", "testdata/wechat", "folder to write trimmed copies to")
	flag.Parse()
	if err := run(*src, *dst); err != nil {
		fmt.Fprintln(os.Stderr, "trimfixture:", err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	rows, header, err := sources(filepath.Join(src, "SOURCES.tsv"))
	if err != nil {
		return err
	}
	var tsv bytes.Buffer
	tsv.WriteString(header + "\n")
	total := 0
	for _, name := range pages {
		raw, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return err
		}
		out, err := Trim(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), out, 0o644); err != nil {
			return err
		}
		total += len(out)
		fmt.Printf("%-50s %9d -> %8d\n", name, len(raw), len(out))
		row, ok := rows[name]
		if !ok {
			return fmt.Errorf("%s: not in SOURCES.tsv", name)
		}
		tsv.WriteString(fmt.Sprintf("%s; trimmed copy (%d bytes) made by extractor/internal/trimfixture\n", row, len(out)))
	}
	fmt.Printf("total %d bytes\n", total)
	return os.WriteFile(filepath.Join(dst, "SOURCES.tsv"), tsv.Bytes(), 0o644)
}

func sources(path string) (map[string]string, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	rows := map[string]string{}
	header := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if header == "" {
			header = line
			continue
		}
		if i := strings.IndexByte(line, '\t'); i > 0 {
			rows[line[:i]] = line
		}
	}
	return rows, header, sc.Err()
}

// Trim removes what the extractor does not read and checks the result
// extracts identically.
func Trim(raw []byte) ([]byte, error) {
	want, err := fingerprint(raw)
	if err != nil {
		return nil, err
	}
	cur := raw
	steps := []func([]byte) []byte{
		func(b []byte) []byte { return removeBlocks(b, "<script", "</script>", keepScript) },
		func(b []byte) []byte { return removeBlocks(b, "<style", "</style>", nil) },
		func(b []byte) []byte { return removeBlocks(b, "<svg", "</svg>", nil) },
		removeLinkTags,
	}
	for _, step := range steps {
		next := step(cur)
		if got, err := fingerprint(next); err == nil && got == want {
			cur = next
		}
	}
	// Library scripts often mention a marker too: try dropping each large
	// script that is left, one at a time, keeping only the needed ones.
	for n := 0; ; n++ {
		next, ok := dropNthLargeScript(cur, n)
		if !ok {
			break
		}
		if got, err := fingerprint(next); err == nil && got == want {
			cur = next
			n--
		}
	}
	return cur, nil
}

// dropNthLargeScript removes the n-th <script> block larger than 8 KiB.
func dropNthLargeScript(b []byte, n int) ([]byte, bool) {
	seen, done := 0, false
	out := removeBlocks(b, "<script", "</script>", func(block []byte) bool {
		if done || len(block) < 8<<10 {
			return true
		}
		if seen == n {
			done = true
			return false
		}
		seen++
		return true
	})
	return out, done
}

func keepScript(block []byte) bool {
	for _, m := range markers {
		if bytes.Contains(block, []byte(m)) {
			return true
		}
	}
	return false
}

// fingerprint is what must not change: state, reason, identity and the
// rendered article.
func fingerprint(raw []byte) (string, error) {
	doc, err := extractor.Extract(raw, extractor.Options{})
	if err != nil {
		return "", err
	}
	s := fmt.Sprintf("%s|%s|%+v|", doc.State, doc.Reason, doc.ID)
	if doc.Article != nil {
		s += string(extractor.Render(doc.Article))
	}
	return s, nil
}

// removeBlocks removes every complete open…close block (case-insensitive)
// for which keep is nil or false. An unterminated block is left alone.
func removeBlocks(b []byte, open, close string, keep func([]byte) bool) []byte {
	lower := bytes.ToLower(b)
	var out bytes.Buffer
	out.Grow(len(b))
	i := 0
	for {
		j := bytes.Index(lower[i:], []byte(open))
		if j < 0 {
			break
		}
		j += i
		// the tag name must end here ("<script>" or "<script ", not "<scripts")
		if k := j + len(open); k < len(b) && b[k] != '>' && b[k] != ' ' && b[k] != '\n' && b[k] != '\t' && b[k] != '\r' {
			out.Write(b[i : j+1])
			i = j + 1
			continue
		}
		e := bytes.Index(lower[j:], []byte(close))
		if e < 0 {
			break
		}
		e += j + len(close)
		if keep != nil && keep(b[j:e]) {
			out.Write(b[i:e])
		} else {
			out.Write(b[i:j])
		}
		i = e
	}
	out.Write(b[i:])
	return out.Bytes()
}

// removeLinkTags drops <link …> tags (stylesheets, preloads, icons).
func removeLinkTags(b []byte) []byte {
	lower := bytes.ToLower(b)
	var out bytes.Buffer
	out.Grow(len(b))
	i := 0
	for {
		j := bytes.Index(lower[i:], []byte("<link "))
		if j < 0 {
			break
		}
		j += i
		e := bytes.IndexByte(b[j:], '>')
		if e < 0 {
			break
		}
		out.Write(b[i:j])
		i = j + e + 1
	}
	out.Write(b[i:])
	return out.Bytes()
}
