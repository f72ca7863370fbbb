"""A removed API's use under a catch-all `except:` that only records the failure (fair check 51, recall T-5.4).

pytrends 4.8 turned `TrendReq.get_historical_interest` into a stub raising NotImplementedError; the
notebook's bare `except:` prints "Not Possible", appends the company to `not_data` and counts on: every
company fails silently. A handler that only records the error is no fallback; one that does something
else instead (another call, another import) still is."""

from __future__ import annotations

from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.rules import Example
from nbrefactor.audit.rules.removed_apis import UsesRemovedApi

_HEAD = "import numpy as np\nfrom pytrends.request import TrendReq"


def _loop(handler: str) -> str:
    return ("not_data = []\nj = 0\nfor i in ['a', 'b']:\n    try:\n        pytrend = TrendReq(hl='en-US', tz=360)\n"
            "        year = pytrend.get_historical_interest([i], year_start=2018, year_end=2019)\n"
            "        print(np.mean(year[i]))\n    except:\n" + handler)


def test_a_bare_except_that_only_records_the_failure_is_no_fallback(tmp_path):
    handler = "        print('Not Possible for %s' % i)\n        not_data.append(i)\n        j = j + 1\n"
    found = run_example(UsesRemovedApi, Example(cells=(_HEAD, _loop(handler))), tmp_path)
    assert [(d.location.cell, d.location.line) for d in found] == [(2, 6)]


def test_a_handler_doing_something_else_instead_is_a_fallback(tmp_path):
    handler = "        pytrend.build_payload([i], timeframe='2018-01-01 2019-01-01')\n        year = pytrend.interest_over_time()\n"
    assert run_example(UsesRemovedApi, Example(cells=(_HEAD, _loop(handler))), tmp_path) == []
