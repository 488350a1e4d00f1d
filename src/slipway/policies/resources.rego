# Every container declares resource limits: rule resource-limits (see images.rego for `slipway_failure`).
package main

import rego.v1

deny contains slipway_failure("resource-limits", msg) if {
	some c in workload_containers
	not c.resources.limits
	msg := sprintf("%s/%s: container %q declares no resource limits", [input.kind, input.metadata.name, c.name])
}
