import express, { type Router } from 'express';
import type { SandboxContext } from '../context';

/**
 * Store information V2 (store_information.v2.yml): GET /v2/store, GET /v2/time, the calls an app
 * makes to check its credentials. `id` is the store hash and `store_id` the numeric id webhooks
 * carry; the plan follows the quota the sandbox enforces (FACTS.md section 2: 150 Standard/Plus,
 * 450 Pro, anything else Enterprise).
 */
export function storeInfoRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  const plan = () => (ctx.limiter.quota <= 150 ? 'Standard' : ctx.limiter.quota <= 450 ? 'Pro' : 'Enterprise');

  router.get('/v2/store', (_req, res) => {
    const hash = ctx.storeHash;
    res.json({
      id: hash,
      account_uuid: '3f6e2a7c-5b1d-4c8e-9a2f-6d4b8e1c0a57',
      domain: `${hash}.trailhead-outfitters.example`,
      secure_url: `https://${hash}.trailhead-outfitters.example`,
      control_panel_base_url: `https://store-${hash}.mybigcommerce.com`,
      status: 'live',
      name: 'Trailhead Outfitters',
      first_name: 'Dana',
      last_name: 'Whitfield',
      address: '100 Congress Ave\nAustin, Texas 78701\nUnited States',
      country: 'United States',
      country_code: 'US',
      infrastructure_region: 'us-central1',
      phone: '512-555-0100',
      admin_email: 'dana@trailhead-outfitters.example',
      order_email: 'orders@trailhead-outfitters.example',
      favicon_url: `https://cdn11.bigcommerce.com/s-${hash}/product_images/default_favicon.ico`,
      timezone: {
        name: 'America/Chicago',
        raw_offset: -21600,
        dst_offset: -18000,
        dst_correction: true,
        date_format: { display: 'M jS Y', export: 'M jS Y', extended_display: 'M jS Y @ g:i A' },
      },
      language: 'en',
      currency: 'USD',
      currency_symbol: '$',
      decimal_separator: '.',
      thousands_separator: ',',
      decimal_places: 2,
      currency_symbol_location: 'left',
      weight_units: 'LBS',
      dimension_units: 'Inches',
      dimension_decimal_places: 2,
      dimension_decimal_token: '.',
      dimension_thousands_token: ',',
      plan_name: plan(),
      plan_level: plan(),
      plan_is_trial: false,
      industry: 'Sporting Goods',
      logo: { url: `https://cdn11.bigcommerce.com/s-${hash}/product_images/trailhead_logo.png` },
      is_price_entered_with_tax: false,
      store_id: Number(ctx.storeId),
      default_channel_id: 1,
      default_site_id: 1000,
      active_comparison_modules: [],
      features: {
        stencil_enabled: true,
        sitewidehttps_enabled: true,
        facebook_catalog_id: '',
        checkout_type: 'optimized',
        wishlists_enabled: true,
        graphql_storefront_api_enabled: true,
        shopper_consent_tracking_enabled: true,
        multi_storefront_enabled: false,
        storefront_limits: { active: 1, total_including_inactive: 1 },
      },
    });
  });

  /** timeStamp_Full: the store's clock in Unix seconds. */
  router.get('/v2/time', (_req, res) => {
    res.json({ time: Math.floor(ctx.now() / 1000) });
  });

  return router;
}
