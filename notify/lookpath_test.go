package notify

import "os/exec"

var execLookPath = exec.LookPath
