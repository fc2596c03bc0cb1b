import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CcUnexpectedResponseError } from '../../src/constantcontact/errors.ts';
import { nextPath, paginate } from '../../src/constantcontact/pagination.ts';

type Page = { items: number[]; _links?: { next?: { href: string } } };

describe('paginate', () => {
  it('follows next links until a page has none, fetching lazily', async () => {
    const fetched: string[] = [];
    const pages: Record<string, Page> = {
      '/v3/things?cursor=b': { items: [3, 4], _links: { next: { href: '/v3/things?cursor=c' } } },
      '/v3/things?cursor=c': { items: [5] },
    };
    const iterator = paginate<Page>(
      async () => {
        fetched.push('first');
        return { items: [1, 2], _links: { next: { href: '/v3/things?cursor=b' } } };
      },
      async (path) => {
        fetched.push(path);
        return pages[path]!;
      },
      'https://api.cc.email',
    );
    const seen: number[] = [];
    for await (const page of iterator) {
      seen.push(...page.items);
      if (seen.length === 2)
        assert.deepEqual(fetched, ['first'], 'the next page is fetched only when asked for');
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.deepEqual(fetched, ['first', '/v3/things?cursor=b', '/v3/things?cursor=c']);
  });

  it('fails instead of looping when a cursor repeats', async () => {
    const loop: Page = { items: [1], _links: { next: { href: '/v3/things?cursor=same' } } };
    const iterate = async () => {
      for await (const _ of paginate<Page>(
        async () => loop,
        async () => loop,
        'https://api.cc.email',
      ));
    };
    await assert.rejects(iterate(), CcUnexpectedResponseError);
  });
});

describe('nextPath', () => {
  it('keeps relative links and accepts absolute ones on the API origin only', () => {
    assert.equal(nextPath('/v3/contacts?cursor=x', 'https://api.cc.email'), '/v3/contacts?cursor=x');
    assert.equal(
      nextPath('https://api.cc.email/v3/contacts?cursor=x', 'https://api.cc.email'),
      '/v3/contacts?cursor=x',
    );
    assert.throws(
      () => nextPath('https://evil.example/v3/contacts', 'https://api.cc.email'),
      CcUnexpectedResponseError,
    );
  });
});
