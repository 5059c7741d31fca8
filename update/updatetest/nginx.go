//go:build unix

package updatetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/lain-cli/lain/internal/testenv"
)

// Nginx is a real nginx serving a directory on 127.0.0.1, as a team's
// static release endpoint would. It runs in the foreground (daemon off) as
// a child of the test, with its config, pid file and logs in its own
// directory, so it needs no root and leaves nothing behind.
type Nginx struct {
	URL string
	Dir string // config, logs
	cmd *exec.Cmd
}

// StartNginx serves root. It returns an error when nginx is not installed
// (tests skip then) or does not come up.
func StartNginx(root, dir string) (*Nginx, error) { return StartNginxWith(root, dir, "") }

// StartNginxWith is StartNginx with more directives in the server block,
// e.g. "limit_rate 1m;" for a slow link.
func StartNginxWith(root, dir, directives string) (*Nginx, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			return nil, fmt.Errorf("nginx is not installed (apt-get install nginx): %w", err)
		}
		bin = "/usr/sbin/nginx"
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"tmp", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(nginxConf(dir, root, port, directives)), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "logs", "error.log"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	dieWithParent(cmd) // a test binary killed mid-run must not leave nginx behind
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &Nginx{URL: "http://127.0.0.1:" + strconv.Itoa(port), Dir: dir, cmd: cmd}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return n, nil
		}
	}
	n.Stop()
	log, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log"))
	return nil, fmt.Errorf("nginx did not listen on port %d:\n%s", port, log)
}

// Stop shuts nginx down (SIGQUIT: finish requests) and waits for it.
func (n *Nginx) Stop() {
	testenv.Stop(n.cmd, syscall.SIGQUIT, 5*time.Second)
}

func nginxConf(dir, root string, port int, directives string) string {
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;" // else workers would drop to nobody
	}
	return fmt.Sprintf(`# Written by update/updatetest for one test run.
daemon off;
master_process off;
%s
pid %[2]s/nginx.pid;
error_log %[2]s/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log %[2]s/logs/access.log;
    client_body_temp_path %[2]s/tmp/body;
    proxy_temp_path %[2]s/tmp/proxy;
    fastcgi_temp_path %[2]s/tmp/fastcgi;
    uwsgi_temp_path %[2]s/tmp/uwsgi;
    scgi_temp_path %[2]s/tmp/scgi;
    types { application/json json; text/plain txt minisig; }
    default_type application/octet-stream;
    sendfile on;
    server {
        listen 127.0.0.1:%[3]d;
        root %[4]s;
        %[5]s
    }
}
`, user, dir, port, root, directives)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
