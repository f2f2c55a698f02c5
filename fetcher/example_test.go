package fetcher_test

import (
	"context"
	"fmt"

	"wxarchive/fetcher"
)

// A link found inside a page can never make the client reach an internal
// address: anything outside the allow-list is refused without a request.
func ExampleKindOf() {
	c, err := fetcher.New(fetcher.Config{})
	if err != nil {
		panic(err)
	}
	_, err = c.Page(context.Background(), "http://169.254.169.254/latest/meta-data/")
	fmt.Println(fetcher.KindOf(err))
	fmt.Println(err)
	// Output:
	// refused
	// fetcher: refused http://169.254.169.254/latest/meta-data/: host "169.254.169.254" not allowed for pages (only mp.weixin.qq.com)
}
