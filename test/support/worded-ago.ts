// How long ago something happened, as `oc` words it, for any age a test run can reach: a test
// asserts the wording, never how fast a busy machine got to it ("5 seconds ago" may be "2 minutes ago").
export const agoPattern = '(?:Less than a second|1 second|\\d+ seconds|About a minute|\\d+ minutes|About an hour) ago';
