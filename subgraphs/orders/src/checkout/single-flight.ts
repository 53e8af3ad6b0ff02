// Within one process this turns a burst of retries of one checkout into one; across processes the database's unique key decides.
export { createSingleFlight } from '@rtc/service-kit';
