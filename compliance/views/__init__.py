"""HTML views of the request service: `public` (citizens, no account) and `staff`."""
