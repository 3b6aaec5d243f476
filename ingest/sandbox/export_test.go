package sandbox

// SetTestHook sets what a child of the test binary does before reading
// each document (testHook).
func SetTestHook(f func(name string)) { testHook = f }
