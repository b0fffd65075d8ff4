package timeline

// Golden is golden, for the tests of package timeline_test.
var Golden = golden
