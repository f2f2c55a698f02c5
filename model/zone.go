package model

import "time"

// ChinaTime is the zone WeChat and WeRead count days and show times in
// (UTC+8, no daylight saving): publication times, daily caps, a block
// "until tomorrow".
var ChinaTime = time.FixedZone("CST", 8*3600)
