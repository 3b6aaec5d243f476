-- How many reports the filter selects, before paging.
SELECT count(*) FROM reports r WHERE /*filter*/
