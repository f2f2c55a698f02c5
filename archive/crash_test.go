package archive

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"wxarchive/model"
)

const crashEnv = "WXARCHIVE_CRASH_HELPER_DIR"

// crashHelper is the child process: it records captures in a loop until
// killed, printing a line after each.
func crashHelper(dir string) {
	a, err := Open(dir)
	if err != nil {
		panic(err)
	}
	l, err := a.Lock()
	if err != nil {
		panic(err)
	}
	defer l.Unlock()
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for i := 0; ; i++ {
		id := testID
		id.Mid = fmt.Sprint(100 + r.IntN(5))
		short := fmt.Sprintf("https://mp.weixin.qq.com/s/tok%d", r.IntN(3))
		var in Input
		switch r.IntN(6) {
		case 0:
			in = stateInput(model.ID{}, short, model.StateDeleted)
		case 1:
			in = stateInput(id, id.URL(), model.StateVerify)
		case 2:
			in = Input{Link: id.URL(), Err: fmt.Errorf("timeout %d", i)}
		default:
			link := id.URL()
			if id.Mid == "100" {
				link = "https://mp.weixin.qq.com/s/tok0"
			}
			in = articleInput(id, link, "标题"+id.Mid, fmt.Sprintf("正文 %d", r.IntN(4)))
			ref, err := a.PutBlob(fmt.Appendf(nil, "\x89PNG\r\n\x1a\n %d", r.IntN(3)))
			if err != nil {
				panic(err)
			}
			in.Images = map[string]string{"https://mmbiz.qpic.cn/x.png": ref}
			in.Markdown = append(in.Markdown, "\n![](https://mmbiz.qpic.cn/x.png)\n"...)
		}
		if _, err := a.Record(in); err != nil {
			panic(err)
		}
		fmt.Println("ok", i)
	}
}

func TestCrashSafety(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashHelper(dir)
		return
	}
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	const kills = 30
	r := rand.New(rand.NewPCG(1, 2))
	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it record a few captures, then kill it at a random instant.
		sc := bufio.NewScanner(out)
		for range 1 + r.IntN(8) {
			if !sc.Scan() {
				break
			}
		}
		time.Sleep(time.Duration(r.IntN(3000)) * time.Microsecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		a, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		// Readers see a consistent archive even before recovery...
		probs, err := a.Verify()
		if err != nil || len(probs) > 0 {
			t.Fatalf("kill %d: before recovery: %v %v", k, probs, err)
		}
		if _, err := a.List(); err != nil {
			t.Fatalf("kill %d: list: %v", k, err)
		}
		// ...and the next writer takes over the dead one's lock and
		// finishes its work.
		l, err := a.Lock()
		if err != nil {
			t.Fatalf("kill %d: lock after crash: %v", k, err)
		}
		probs, err = a.Verify()
		l.Unlock()
		if err != nil || len(probs) > 0 {
			t.Fatalf("kill %d: after recovery: %v %v", k, probs, err)
		}
	}
	a, _ := Open(dir)
	list, _ := a.List()
	n := 0
	for _, i := range list {
		n += i.Captures
	}
	t.Logf("%d kills, %d articles, %d captures", kills, len(list), n)
	if n == 0 {
		t.Fatal("the children recorded nothing")
	}
}
