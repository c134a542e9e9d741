// Bridge to formulon (npm, the independent Salesforce formula engine) for
// tests/test_formula_formulon.py: reads a JSON array of {formula, vars} on stdin and
// prints a JSON array of formulon's results. Dates travel as "YYYY-MM-DD" strings.
const path = require("path");
const formulon = require(path.resolve(__dirname, "..", ".ci", "node", "node_modules", "formulon"));

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const out = cases.map(({ formula, vars }) => {
    const literals = {};
    for (const [name, v] of Object.entries(vars)) {
      let value = v.value;
      if ((v.dataType === "date" || v.dataType === "datetime") && value !== null) value = new Date(value + (v.dataType === "date" ? "T00:00:00Z" : ""));
      literals[name] = { type: "literal", dataType: v.dataType, value, options: v.options || {} };
    }
    try {
      const r = formulon.parse(formula, literals);
      if (r.value instanceof Date) r.value = r.value.toISOString();
      return r;
    } catch (e) {
      return { type: "error", errorType: "Exception", message: String(e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
