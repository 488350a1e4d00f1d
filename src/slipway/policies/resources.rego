# Every container declares resource limits.
package main

import rego.v1

deny contains msg if {
	some c in workload_containers
	not c.resources.limits
	msg := sprintf("%s/%s: container %q declares no resource limits", [input.kind, input.metadata.name, c.name])
}
