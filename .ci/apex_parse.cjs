// Apex grammar check (@apexdevtools/apex-parser, pinned in .ci/run) of Apex class and trigger files:
// prints one JSON object {classes: N, errors: [{file, line, column, message}]}; lexer and
// parser errors both reach the listener (createLexerAndParser).
// Usage: node .ci/apex_parse.cjs FILE_OR_DIR...   (modules from .ci/node or PRM_NODE_MODULES)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const modules = process.env.PRM_NODE_MODULES || path.join(__dirname, "node", "node_modules");
const { ApexParserFactory, ApexErrorListener } = require(path.join(modules, "@apexdevtools", "apex-parser"));

function classFiles(target) {
  if (fs.statSync(target).isDirectory()) {
    return fs.readdirSync(target).flatMap((name) => classFiles(path.join(target, name)));
  }
  return target.endsWith(".cls") || target.endsWith(".trigger") ? [path.resolve(target)] : [];
}

class Collect extends ApexErrorListener {
  constructor(file, errors) {
    super();
    this.file = file;
    this.errors = errors;
  }
  apexSyntaxError(line, column, message) {
    this.errors.push({ file: this.file, line, column, message });
  }
}

const files = process.argv.slice(2).flatMap(classFiles).sort();
const errors = [];
for (const file of files) {
  const { parser } = ApexParserFactory.createLexerAndParser(fs.readFileSync(file, "utf8"), new Collect(file, errors));
  // triggers have their own start rule in the grammar
  if (file.endsWith(".trigger")) {
    parser.triggerUnit();
  } else {
    parser.compilationUnit();
  }
}
process.stdout.write(JSON.stringify({ classes: files.length, errors }) + "\n");
