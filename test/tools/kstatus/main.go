// Command kstatus prints what kstatus (sigs.k8s.io/cli-utils), the library Flux, kpt and cli-utils use to
// judge custom resources, computes for each object on standard input (one JSON object a line): one line,
// status TAB message.
package main

import (
	"bufio"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	for lines.Scan() {
		// Kubernetes' JSON decoding, so integers stay int64 as kstatus expects.
		var object map[string]interface{}
		if err := json.Unmarshal(lines.Bytes(), &object); err != nil {
			fail(err)
		}
		result, err := status.Compute(&unstructured.Unstructured{Object: object})
		if err != nil {
			fail(err)
		}
		fmt.Printf("%s\t%s\n", result.Status, result.Message)
	}
	if err := lines.Err(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
