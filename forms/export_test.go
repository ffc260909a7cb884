package forms

// SharedSteps lets the external test package (the fuzz targets) read the
// shared report cards with the same helper as the internal tests.
var SharedSteps = sharedSteps
