// Reads a JUnit report with xunit-viewer's own parser (the one behind its HTML page and
// its console view) and prints what the viewer shows as JSON, for
// tests/test_junit_schema.py. Usage: node junit_viewer.mjs NODE_MODULES_DIR REPORT.xml
// Exits 1 when the viewer cannot parse the report.
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'

const [modules, report] = process.argv.slice(2)
const viewer = path.join(modules, 'xunit-viewer', 'src', 'cli', 'parse.js')
const { default: parse } = await import(pathToFileURL(viewer).href)
try {
  const parsed = await parse(fs.readFileSync(report, 'utf8'))
  const suites = Object.values(parsed.suites).map((s) => ({
    name: s.name,
    properties: s.properties,
    tests: Object.values(s.tests).map((t) => ({
      name: t.name,
      classname: t.classname,
      status: t.status,
      messages: t.messages || [],
      properties: t.properties || {}
    }))
  }))
  console.log(JSON.stringify(suites))
} catch (err) {
  console.error(`xunit-viewer cannot parse ${report}: ${err.message}`)
  process.exit(1)
}
