package archive

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestVerifyWhileWriting: readers need no lock, so Verify must not report
// damage that is only a writer's commit in progress.
func TestVerifyWhileWriting(t *testing.T) {
	a, _ := openTest(t)
	stop := make(chan struct{})
	var written atomic.Int32
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id := testID
			id.Mid = fmt.Sprint(100 + i%5)
			link := fmt.Sprintf("https://mp.weixin.qq.com/s/tok%d", i%5)
			if _, err := a.Record(articleInput(id, link, "标题", fmt.Sprint("正文 ", i%3))); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 100 {
		probs, err := a.Verify()
		if err != nil || len(probs) > 0 {
			t.Errorf("verify while a writer runs: %v %v", probs, err)
			break
		}
	}
	close(stop)
	wg.Wait()
	mustVerify(t, a)
}
