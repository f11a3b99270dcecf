package web

import (
	"net/url"
	"strconv"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// accountPage is where a page of the account list is: its number as shown,
// and the key it follows or precedes.
type accountPage struct {
	number        int
	after, before string
}

// accountPageOf reads page=, after= and before= from a list URL.
func accountPageOf(q url.Values) (accountPage, error) {
	n, err := pageNumber(q.Get("page"))
	if err != nil {
		return accountPage{}, err
	}
	p := accountPage{number: n, after: q.Get("after"), before: q.Get("before")}
	if p.after != "" && p.before != "" {
		return p, inventory.Errorf(inventory.EINVALID, "a page link has after= or before=, not both: start again from the first page")
	}
	if (n-1)*pageSize > pg.MaxOffset || n-1 > pg.MaxOffset {
		return p, inventory.Errorf(inventory.EINVALID, "page %s is past the end of any list: pages go up to %s",
			views.Itoa(n), views.Itoa(pg.MaxOffset/pageSize+1))
	}
	return p, nil
}

// offset is the position of the page's first row.
func (p accountPage) offset() int { return (p.number - 1) * pageSize }

// pastTheEnd is the sentence for a page number beyond the last page.
func pastTheEnd(number int, res pg.AccountPage) error {
	last := max((res.Total+pageSize-1)/pageSize, 1)
	if res.TotalCapped {
		return inventory.Errorf(inventory.EINVALID, "there is no page %s of this list: it ends before it. Go back to the first page, or narrow the search",
			views.Itoa(number))
	}
	return inventory.Errorf(inventory.EINVALID, "there is no page %s of this list: %s accounts match, on %s pages",
		views.Itoa(number), views.Itoa(res.Total), views.Itoa(last))
}

// links are the previous and next pages' URLs ("" where there is none):
// each carries the key of the row it follows or precedes, and its number.
func (p accountPage) links(q url.Values, res pg.AccountPage) (prev, next string) {
	if res.HasPrev && len(res.Rows) > 0 {
		if p.number <= 2 {
			prev = accountsURL(q, 1, "", "")
		} else {
			prev = accountsURL(q, p.number-1, "before", res.First)
		}
	}
	if res.HasNext && len(res.Rows) > 0 {
		next = accountsURL(q, p.number+1, "after", res.Last)
	}
	return prev, next
}

// accountsURL is the list under the filters of q, at page number with the
// cursor (name=cursor; none for the first page).
func accountsURL(q url.Values, number int, name, cursor string) string {
	out := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "after" && k != "before" && len(vs) > 0 && vs[0] != "" {
			out.Set(k, vs[0])
		}
	}
	if number > 1 {
		out.Set("page", strconv.Itoa(number))
		out.Set(name, cursor)
	}
	if len(out) == 0 {
		return "/accounts"
	}
	return "/accounts?" + out.Encode()
}
