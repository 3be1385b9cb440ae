/** Which response_url changebot will post to (issue 11): Slack's own hooks hosts, or the configured Web API's origin. */
import { describe, expect, it } from 'vitest';
import { isSlackUrl } from '../../src/chat/slack/edge.js';

describe('isSlackUrl', () => {
  it("accepts Slack's hooks hosts (GovSlack too) and the configured API's origin", () => {
    expect(isSlackUrl('https://hooks.slack.com/commands/T1/1/abc', undefined)).toBe(true);
    expect(isSlackUrl('https://hooks.slack-gov.com/commands/T1/1/abc', undefined)).toBe(true);
    expect(isSlackUrl('http://127.0.0.1:4000/response/x', 'http://127.0.0.1:4000/api/')).toBe(true);
  });

  it('refuses look-alikes, other schemes, ports, credentials and other hosts', () => {
    for (const url of [
      'https://hooks.slack.com.evil.example/x',
      'http://hooks.slack.com/x',
      'https://hooks.slack.com:8443/x',
      'https://user:pw@hooks.slack.com/x',
      'https://evil.example/x',
      'http://127.0.0.1:9/x',
      'not a url',
    ]) {
      expect(isSlackUrl(url, 'http://127.0.0.1:4000/api/'), url).toBe(false);
    }
  });
});
