using Storefront;

var app = StorefrontApp.Build(args);
await app.RunAsync().ConfigureAwait(false);
