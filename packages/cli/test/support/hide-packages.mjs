// `node --import ./hide-packages.mjs`: registers hide-packages-hooks.mjs with the packages of
// $CONVERGE_TEST_HIDE (comma-separated) and the log file $CONVERGE_TEST_HIDE_LOG.
import { register } from "node:module";

register("./hide-packages-hooks.mjs", import.meta.url, {
  data: { hide: (process.env.CONVERGE_TEST_HIDE ?? "").split(",").filter((s) => s !== ""), log: process.env.CONVERGE_TEST_HIDE_LOG ?? "/dev/null" },
});
