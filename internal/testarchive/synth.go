package testarchive

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wxarchive/archive"
	"wxarchive/extractor"
	"wxarchive/model"
)

// synthVersion changes when Synthetic makes different archives, so a
// cached one of an older kind is not reused.
const synthVersion = 1

// Words of the synthetic articles: common two-character words (the most
// searched), longer terms, and some Latin.
var words = strings.Fields(`中国 美国 芯片 微信 公司 发展 市场 技术 经济 企业 产品 用户 数据 平台 服务 管理 问题 工作
	社会 政策 国家 政府 投资 银行 金融 价格 消费 教育 学生 老师 学校 医院 医生 健康 疫情 研究 科学 文化 历史 城市 农村
	世界 国际 合作 安全 能源 汽车 电池 手机 互联网 人工智能 大模型 算法 云计算 开源 软件 硬件 系统 网络 信息 内容 作者
	读者 文章 新闻 记者 媒体 视频 音乐 电影 图书 阅读 旅游 美食 体育 足球 篮球 比赛 冠军 运动 环境 气候 污染 保护 资源
	出口 进口 管制 关税 贸易 供应链 制造业 工厂 工人 工资 就业 失业 创业 融资 上市 股票 基金 利率 通胀 房价 住房 交通
	地铁 高铁 航空 机场 北京 上海 深圳 广州 杭州 成都 武汉 南京 西安 香港 台湾 日本 欧洲 德国 法国 英国 俄罗斯 印度
	今天 昨天 明天 时间 年轻人 父母 孩子 家庭 生活 故事 朋友 感情 心理 压力 焦虑 幸福 未来 希望 改革 创新 变化 趋势
	AI GPU API Python Go Linux OpenAI Apple Google`)

var stops = []string{"，", "。", "的", "了", "在", "和", "是", "也", "都", "就", "对", "与", "把", "被"}

// sentence is n words joined with the small words and punctuation of
// Chinese text.
func sentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(words[r.IntN(len(words))])
		if i < n-1 {
			b.WriteString(stops[2+r.IntN(len(stops)-2)])
		}
		if r.IntN(6) == 0 && i < n-1 {
			b.WriteString("，")
		}
	}
	b.WriteString("。")
	return b.String()
}

// SynthKey is the key of synthetic article i.
func SynthKey(i int) model.Key { return synthID(i).Key() }

func synthID(i int) model.ID {
	return model.ID{Biz: fmt.Sprintf("MzA%07dMQ==", i%200), Mid: fmt.Sprint(2650000000 + i), Idx: "1", Sn: fmt.Sprintf("%032x", i)}
}

// SynthArticle is synthetic article i, version v (1 or 2).
func SynthArticle(i, v int) *model.Article {
	r := rand.New(rand.NewPCG(uint64(i), synthVersion))
	id := synthID(i)
	title := strings.TrimSuffix(sentence(r, 3+r.IntN(4)), "。")
	pub := time.Date(2015, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)).Add(time.Duration(i) * 45 * time.Minute)
	var body strings.Builder
	body.WriteString("# " + title + "\n\n")
	paras := 8 + r.IntN(25)
	var images []string
	for p := range paras {
		if p == 2 || p == 9 {
			u := fmt.Sprintf("https://mmbiz.qpic.cn/mmbiz_png/synthetic%03d/640?wx_fmt=png", r.IntN(50))
			images = append(images, u)
			body.WriteString("![](" + u + ")\n\n")
		}
		if p%7 == 3 {
			body.WriteString("**" + strings.TrimSuffix(sentence(r, 3), "。") + "**\n\n")
			continue
		}
		s := sentence(r, 6+r.IntN(14))
		if v == 2 && p == paras/2 {
			s = "编者按：本段已修改。" + s
		}
		body.WriteString(s + "\n\n")
	}
	return &model.Article{
		Meta: model.Meta{
			Title: title, Author: "作者" + fmt.Sprint(i%37), Account: fmt.Sprintf("账号%03d", i%200), AccountID: fmt.Sprintf("gh_%012x", i%200),
			Published: pub.Format(time.RFC3339), URL: id.URL(), Type: "article", WeChat: &id,
			Description: strings.TrimSuffix(sentence(r, 5), "。"),
			Related:     []model.Related{{URL: synthID((i + 1) % 1000).URL(), Title: "相关文章"}},
		},
		Body:   body.String(),
		Images: images,
	}
}

// Synthetic returns an archive of n synthetic articles in dir: 3% of them
// edited once (two versions), 2% deleted after their first capture. It is
// written without fsync (a benchmark's fixture, not a user's archive) and
// kept: a later call with the same dir and n reuses it.
func Synthetic(tb testing.TB, dir string, n int) *archive.Archive {
	tb.Helper()
	done := filepath.Join(dir, fmt.Sprintf(".synthetic-%d-v%d", n, synthVersion))
	if _, err := os.Stat(done); err == nil {
		a, err := archive.Open(dir)
		if err != nil {
			tb.Fatal(err)
		}
		return a
	}
	if err := os.RemoveAll(dir); err != nil {
		tb.Fatal(err)
	}
	a := archive.OpenStore(dir, &fastStore{root: dir})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	l, err := a.Lock()
	if err != nil {
		tb.Fatal(err)
	}
	blobs := map[string]string{}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	record := func(i, v int, state model.State) {
		id := synthID(i)
		in := archive.Input{
			// No raw page: compressing one per article would double the
			// time to build, and nothing read here uses it.
			Capture: model.Capture{Target: id.URL(), SourceURL: id.URL(), HTTPStatus: 200, FetchedAt: at.Add(time.Duration(i*3+v) * time.Second)},
			Link:    id.URL(),
		}
		if state == model.StateArticle {
			art := SynthArticle(i, v)
			in.Doc = &model.Document{State: state, ID: id, Article: art}
			in.Markdown = extractor.Render(art)
			in.Images = map[string]string{}
			for _, u := range art.Images {
				ref, ok := blobs[u]
				if !ok {
					if ref, err = a.PutBlob(PNG(u)); err != nil {
						tb.Fatal(err)
					}
					blobs[u] = ref
				}
				in.Images[u] = ref
			}
		} else {
			in.Doc = &model.Document{State: state, ID: id, Reason: "该内容已被发布者删除"}
		}
		if _, err := a.Record(in); err != nil {
			tb.Fatalf("synthetic article %d: %v", i, err)
		}
	}
	for i := range n {
		record(i, 1, model.StateArticle)
		switch {
		case i%33 == 5:
			record(i, 2, model.StateArticle)
		case i%50 == 7:
			record(i, 1, model.StateDeleted)
		}
	}
	if err := l.Unlock(); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	a, err = archive.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// fastStore is a Store on a folder in the FSStore layout without fsync:
// fast enough to write a 100k-article archive for a benchmark.
type fastStore struct{ root string }

var (
	_ archive.Store    = (*fastStore)(nil)
	_ archive.Appender = (*fastStore)(nil)
)

func (s *fastStore) path(name string) string { return filepath.Join(s.root, filepath.FromSlash(name)) }

func (s *fastStore) Put(name string, data []byte) error {
	p := s.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

func (s *fastStore) PutIfAbsent(name string, data []byte) (bool, error) {
	if _, err := os.Stat(s.path(name)); err == nil {
		return false, nil
	}
	return true, s.Put(name, data)
}

func (s *fastStore) Get(name string) ([]byte, error) { return os.ReadFile(s.path(name)) }

func (s *fastStore) List(prefix string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.root, p)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() && strings.HasPrefix(rel, prefix) {
			out = append(out, rel)
		}
		return nil
	})
	return out, err
}

func (s *fastStore) Delete(name string) error {
	err := os.Remove(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func (s *fastStore) Append(name string, data []byte) error {
	p := s.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
