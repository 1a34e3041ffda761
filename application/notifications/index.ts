// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
// Notifications reacts to other contexts' events; its handlers (bound by bootstrap/modules/events.ts)
// are its face, and SendNotification is how the next round's handlers send through the pipeline.
export {
  NotifyWhenDeliveryUpdated,
  NotifyWhenOrderExpired,
  NotifyWhenOrderPlaced,
  NotifyWhenOrderRefunded,
  NotifyWhenOrderStatusChanged,
  NotifyWhenPaymentFailed,
} from './order-notifications.js';
export {
  SendResetLinkWhenPasswordResetRequested,
  SendWelcomeWhenUserRegistered,
} from './account-notifications.js';
export { SendNotification, type SendNotificationInput } from './send-notification.js';
