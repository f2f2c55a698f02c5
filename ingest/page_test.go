package ingest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"
)

// testBiz, testMid are the ids of the generated article.
const (
	testBiz = "MzA5NTAwMDAwMQ=="
	testMid = "2650000001"
)

// imagePage is a small article with n body images on the WeChat CDN, at
// https://mmbiz.qpic.cn/mmbiz_png/img<i>/640?wx_fmt=png; src, when set,
// gives image i a src attribute besides its data-src (a saved page's
// local copy or a data: URI).
func imagePage(n int, src func(i int) string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>图片测试</title></head><body>
<div id="js_article" class="rich_media"><h1 class="rich_media_title" id="activity-name">图片测试文章</h1>
<div id="meta_content"><span id="js_name">测试号</span></div>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">
<p>这是一篇有图片的测试文章，正文足够长，可以被当作文章识别。</p>
`)
	for i := range n {
		s := ""
		if src != nil {
			if v := src(i); v != "" {
				s = ` src="` + v + `"`
			}
		}
		// As served: display parameters the extractor drops after wx_fmt.
		fmt.Fprintf(&b, "<p>第 %d 张图：</p><p><img data-src=\"%s&amp;tp=webp&amp;wxfrom=5&amp;wx_lazy=1&amp;wx_co=1\" data-type=\"png\" data-w=\"640\"%s></p>\n", i+1, imageURL(i), s)
	}
	b.WriteString(`<p>全文完。</p></div></div>
<script>var biz = "` + testBiz + `"; var mid = "` + testMid + `"; var idx = "1"; var sn = "0123456789abcdef";
var ct = "1700000000"; var nickname = htmlDecode("测试号"); var msg_title = '图片测试文章'.html(false);</script>
</body></html>`)
	return b.String()
}

func imageURL(i int) string {
	return fmt.Sprintf("https://mmbiz.qpic.cn/mmbiz_png/img%d/640?wx_fmt=png", i)
}

func imagePath(i int) string { return fmt.Sprintf("/mmbiz_png/img%d/640", i) }

// pageURL is the canonical link of the generated article.
func pageURL() string {
	return "https://mp.weixin.qq.com/s?__biz=" + strings.ReplaceAll(testBiz, "=", "%3D") + "&mid=" + testMid + "&idx=1&sn=0123456789abcdef"
}

// pngBytes is a valid 8×8 PNG, different for each i.
func pngBytes(i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for p := range img.Pix {
		img.Pix[p] = byte(i*37 + p)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// pixelPNG is the 1×1 placeholder pages show before an image loads.
func pixelPNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}
