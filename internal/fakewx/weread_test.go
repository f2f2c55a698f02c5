package fakewx_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"wxarchive/internal/fakewx"
)

func wrGet(t *testing.T, srv *fakewx.Server, host, uri, cookie string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+srv.PlainAddr()+uri, nil)
	req.Host = host
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The fake answers in the shapes DISCOVERY.md documents.
func TestWeReadShapes(t *testing.T) {
	srv := fakewx.New(t)
	wr := srv.WeRead("1", "k")
	at := time.Unix(1767225600, 0)
	wr.Publish("Mzg5NTc4ODkzOA==", fakewx.WRArticle{OriginalID: "old", Title: "旧", Time: at.Add(-time.Hour)})
	wr.Publish("Mzg5NTc4ODkzOA==", fakewx.WRArticle{OriginalID: "a~1", Title: "头条", Cover: "https://mmbiz.qpic.cn/c", Digest: "d", Time: at},
		fakewx.WRArticle{OriginalID: "b", Title: "次条", Time: at})
	ok := "wr_vid=1; wr_skey=k"
	uri := fakewx.WeReadArticles + "?bookId=MP_WXS_3895788938&offset="

	code, body := wrGet(t, srv, "weread.qq.com", uri+"0", ok)
	var grouped struct {
		Reviews []struct {
			CreateTime int64 `json:"createTime"`
			SubReviews []struct {
				Review struct {
					ReviewID string         `json:"reviewId"`
					MPInfo   map[string]any `json:"mpInfo"`
				} `json:"review"`
			} `json:"subReviews"`
		} `json:"reviews"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &grouped) != nil || len(grouped.Reviews) != 2 || len(grouped.Reviews[0].SubReviews) != 2 {
		t.Fatalf("grouped: %d %s", code, body)
	}
	r := grouped.Reviews[0].SubReviews[0].Review
	for _, k := range []string{"title", "originalId", "pic_url", "content", "time", "readNum", "likeNum"} {
		if _, ok := r.MPInfo[k]; !ok {
			t.Errorf("mpInfo lacks %s: %s", k, body)
		}
	}
	if r.ReviewID != "MP_WXS_3895788938_a~1" || r.MPInfo["originalId"] != "a~1" || grouped.Reviews[0].CreateTime != at.Unix() {
		t.Errorf("review %+v", r)
	}
	// offset counts groups: offset 1 is the older push.
	if _, body := wrGet(t, srv, "weread.qq.com", uri+"1", ok); !strings.Contains(body, `"originalId":"old"`) || strings.Contains(body, `"b"`) {
		t.Errorf("offset 1: %s", body)
	}
	if _, body := wrGet(t, srv, "weread.qq.com", uri+"2", ok); body == "" || !strings.Contains(body, `"reviews":[]`) {
		t.Errorf("the end: %s", body)
	}
	// Flat: a review per entry, offset counts articles.
	wr.SetFlat(true)
	if _, body := wrGet(t, srv, "weread.qq.com", uri+"1", ok); strings.Contains(body, "subReviews") || !strings.Contains(body, `"originalId":"b"`) {
		t.Errorf("flat offset 1: %s", body)
	}
	// Errors.
	for _, c := range []struct{ cookie, want string }{
		{"", `"errCode":-2010`}, {"wr_vid=1; wr_skey=bad", `"errCode":-2012`},
	} {
		if code, body := wrGet(t, srv, "weread.qq.com", uri+"0", c.cookie); code != 200 || !strings.Contains(body, c.want) {
			t.Errorf("cookie %q: %d %s", c.cookie, code, body)
		}
	}
	wr.RiskControlAfter(0, 1)
	if _, body := wrGet(t, srv, "weread.qq.com", uri+"0", ok); !strings.Contains(body, `"errCode":-2041`) {
		t.Errorf("risk: %s", body)
	}
	wr.ExpireLoginAfter(1)
	wrGet(t, srv, "weread.qq.com", uri+"0", ok)
	if _, body := wrGet(t, srv, "weread.qq.com", uri+"0", ok); !strings.Contains(body, `"errCode":-2012`) {
		t.Errorf("expired after one: %s", body)
	}
	// Only on weread.qq.com.
	if code, _ := wrGet(t, srv, "mp.weixin.qq.com", uri+"0", ok); code != 404 {
		t.Errorf("listing on mp.weixin.qq.com: %d", code)
	}
	if n := len(wr.Listings()); n != 9 {
		t.Errorf("%d listings logged: %v", n, wr.Listings())
	}
}
