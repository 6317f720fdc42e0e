// Compiled by the DeviceScript compiler in the test command: every module of the
// portable core is imported here, so a construct DeviceScript rejects fails CI.
import "../../src/core/index"
import "../../src/core/sml/index"
