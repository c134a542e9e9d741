// Parse Apex files with @apexdevtools/apex-parser (npm, a maintained Apex grammar) for
// tests/test_apex_replay.py: prints a JSON object {file: [syntax errors]}.
const path = require("path");
const fs = require("fs");
const { ApexParserFactory, ApexErrorListener } = require(
  path.resolve(__dirname, "..", ".ci", "node", "node_modules", "@apexdevtools", "apex-parser"));

class Collect extends ApexErrorListener {
  constructor() { super(); this.errors = []; }
  apexSyntaxError(line, column, message) { this.errors.push(`${line}:${column} ${message}`); }
}

const out = {};
for (const file of process.argv.slice(2)) {
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(fs.readFileSync(file, "utf8"), listener);
  parser.compilationUnit();
  out[file] = listener.errors;
}
process.stdout.write(JSON.stringify(out));
