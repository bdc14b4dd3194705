/**
 * Prints the plain closing line CI reads ("N passed, N failed, N skipped"), after jest's own
 * summary, which uses another format. A test file that cannot even run (a missing fixture, a
 * syntax error) has no failed tests of its own, so it is counted and named separately.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites, testResults } = results;
    const broken = numRuntimeErrorTestSuites > 0 ? `, ${numRuntimeErrorTestSuites} test file(s) failed to run` : "";
    process.stdout.write(`\njest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped${broken}\n`);
    for (const file of testResults.filter((r) => r.testExecError)) {
      process.stdout.write(`  failed to run: ${file.testFilePath}: ${file.testExecError.message.split("\n")[0]}\n`);
    }
  }
}

module.exports = SummaryReporter;
