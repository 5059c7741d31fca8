// Command etcd is the lab's etcd: a tiny main over etcd's own entrypoint,
// pinned by lab/tools/go.mod (see lab/versions.env).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
