package extractor

import (
	"reflect"
	"testing"

	"wxarchive/model"
)

func TestFindTimelines(t *testing.T) {
	e := func(tm string, s int, l string) model.TimelineEntry {
		return model.TimelineEntry{Time: tm, Seconds: s, Label: l}
	}
	tests := []struct {
		name string
		md   string
		want []model.Timeline
	}{
		{"dash separated under heading", "## 本期内容\n\n0:00 - 简介\n\n1:05 - 背景\n\n1:05:37 – ASL-3 和 ASL-4\n\n正文", []model.Timeline{
			{Title: "本期内容", Entries: []model.TimelineEntry{e("0:00", 0, "简介"), e("1:05", 65, "背景"), e("1:05:37", 3937, "ASL-3 和 ASL-4")}},
		}},
		{"brackets and bold heading", "**时间线**\n【00:00】开场\n【12:20】第一部分\n【25:01】问答", []model.Timeline{
			{Title: "时间线", Entries: []model.TimelineEntry{e("00:00", 0, "开场"), e("12:20", 740, "第一部分"), e("25:01", 1501, "问答")}},
		}},
		{"space separated list items", "- 12:20 标题一\n- 13:00 标题二\n- 14:10 标题三", []model.Timeline{
			{Entries: []model.TimelineEntry{e("12:20", 740, "标题一"), e("13:00", 780, "标题二"), e("14:10", 850, "标题三")}},
		}},
		{"label then time", "# 章节\n简介 0:00\n模型 3:10\n总结 10:05", []model.Timeline{
			{Title: "章节", Entries: []model.TimelineEntry{e("0:00", 0, "简介"), e("3:10", 190, "模型"), e("10:05", 605, "总结")}},
		}},
		{"backwards kept whole", "0:00 a\n5:00 b\n4:00 c\n9:00 d", []model.Timeline{
			{Backward: true, Entries: []model.TimelineEntry{e("0:00", 0, "a"), e("5:00", 300, "b"), e("4:00", 240, "c"), e("9:00", 540, "d")}},
		}},
		{"two lines are not a timeline", "0:00 a\n1:00 b\n正文", nil},
		{"broken by prose", "0:00 a\n1:00 b\n中间的文字\n2:00 c", nil},
		{"not times", "2024:01 a\n3.14 b\n10:99 c", nil},
		{"ordered list", "1. 0:00 开场\n2. 1:00 中段\n3. 2:00 结尾", []model.Timeline{
			{Entries: []model.TimelineEntry{e("0:00", 0, "开场"), e("1:00", 60, "中段"), e("2:00", 120, "结尾")}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := findTimelines(tc.md)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findTimelines =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
