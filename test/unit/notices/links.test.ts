import { describe, expect, test } from '@jest/globals';
import { listReply, overdueNotice, reminderNotice } from '../../../src/notices/bodies.js';
import { boardReply, boardSharedReply, boardUnsharedReply, goalSharedReply, goalUnsharedReply } from '../../../src/notices/links.js';
import { goal, HOSTILE_TITLES, NOW } from '../embed/fixtures.js';
import { activeParts } from '../../helpers/markdown.js';

const URL_ = 'https://gitdone.example';
const OURS = { hrefs: [`${URL_}/`] };

describe('a goal whose link is withdrawn is never shown with it', () => {
  const hidden = goal({ token: 'SECRETtokenSECRETtoken', shared: false });
  test.each([
    ['reminder', () => reminderNotice(hidden, NOW, URL_)],
    ['overdue', () => overdueNotice(hidden, URL_)],
    ['list', () => listReply([hidden], 1, 'issue', NOW, URL_)],
  ])('%s', (_, body) => {
    expect(body()).not.toContain('SECRETtoken');
    expect(body()).not.toContain('/embed/');
  });

  test('a shared goal still is', () => {
    const shown = goal({ token: 'PUBLICtokenPUBLICtoken' });
    expect(reminderNotice(shown, NOW, URL_)).toContain(`Countdown: ${URL_}/embed/PUBLICtokenPUBLICtoken`);
    expect(listReply([shown], 1, 'issue', NOW, URL_)).toContain(`](${URL_}/embed/PUBLICtokenPUBLICtoken)`);
  });
});

describe('replies to board, share, unshare', () => {
  test('board: the link and its calendar and JSON forms', () => {
    const body = boardReply('BOARDtok', URL_, true);
    expect(body).toContain(`${URL_}/board/BOARDtok`);
    expect(body).toContain(`${URL_}/board/BOARDtok.ics`);
    expect(body).toContain(`${URL_}/board/BOARDtok.json`);
    expect(body).toContain('/deadline unshare board');
    expect(activeParts(body, OURS)).toEqual([]);
    expect(boardSharedReply('NEWtok', URL_, true)).toContain('410 Gone');
    expect(boardUnsharedReply()).toContain('/deadline share board');
  });

  test.each(HOSTILE_TITLES)('titles stay inert: %j', (title) => {
    const g = goal({ title, token: 'tok' });
    for (const body of [goalSharedReply(g, URL_, true), goalSharedReply(g, URL_, false), goalUnsharedReply(g)]) {
      expect(activeParts(body, OURS)).toEqual([]);
    }
  });

  test('share: the new link, the badge, and what happened to the old one', () => {
    const g = goal({ token: 'NEWtok' });
    expect(goalSharedReply(g, URL_, true)).toContain(`[![deadline](${URL_}/embed/NEWtok.svg)](${URL_}/embed/NEWtok)`);
    expect(goalSharedReply(g, URL_, true)).toContain('410 Gone');
    expect(goalSharedReply(g, URL_, false)).toContain('stays withdrawn');
    expect(goalUnsharedReply(g)).toContain('/deadline share ship-v1');
    expect(goalUnsharedReply(g)).not.toContain('NEWtok');
  });
});
